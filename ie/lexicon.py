"""The budget vocabulary shared by the stages: redaction markers, project and fund suffixes, and
the one reader of the word lists under `ie/data/`."""

from __future__ import annotations

from importlib import resources

#: Markers standing for a withheld value (a goal, a cell), longest first so that an alternation
#: built from them matches the whole marker.
REDACTION_MARKERS: tuple[str, ...] = (
    "涉密不公开",
    "不予公开",
    "不宜公开",
    "不公开",
    "涉密",
    "保密",
)

#: Endings of a project name (XX经费, XX项目, XX工程 …).
PROJECT_SUFFIXES: tuple[str, ...] = ("经费", "费", "项目", "资金", "工程", "专项", "补助", "基地")
#: Endings of a fund-like project name ("XX经费情况说明" sections); callers slice it by position,
#: so keep the order.
FUND_SUFFIXES: tuple[str, ...] = ("经费", "费", "资金", "专项", "补助")


def data_lines(name: str) -> list[str]:
    """The lines of `ie/data/<name>`, stripped, without `#` comments and blank lines (section
    headers such as `[L1]` are kept for the caller)."""
    text = (resources.files("ie") / "data" / name).read_text(encoding="utf-8")
    lines = (raw.split("#", 1)[0].strip() for raw in text.splitlines())
    return [line for line in lines if line]
