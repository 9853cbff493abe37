"""Tables: budget tables rebuilt from a segmented document.

`ie.tables.money` rebuilds the money tables (functional / economic expense tables, 收支总表,
收入总表, “三公”经费表, …); `ie.tables.indicators` the 绩效目标 indicator tables. Import the
submodule you need; nothing is imported here, so `python -m ie.tables.money` runs cleanly.
"""
