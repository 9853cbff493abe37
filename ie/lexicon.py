"""The budget vocabulary shared by the stages: redaction markers, project and fund suffixes, and
the one reader of the word lists under `ie/data/`."""

from __future__ import annotations

import re
from functools import lru_cache
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


_FUND_NAME_END = re.compile(r"(?:经费|费|项目|资金|专项)$")
# Basic-expense categories and economic classes are not budget projects; a fund that merely
# contains such a word (聘用人员经费) is.
_NOT_FUND = re.compile(
    r"^(?:人员|公用|日常公用|日常|基本)(?:经费|支出)$|^专项资金$|三公|机关运行|预留|工资|福利|"
    r"社会保障|住房|部门预算|编入|财政拨款"
)


# Names of budget categories — never a budget project, wherever the tagger finds them (a
# chart legend's 预留机动经费, a 收支总表 line).
BUDGET_CATEGORY = re.compile(
    r"^(?:单位)?预留机动经费$|^(?:人员|公用|日常公用)经费$|^(?:基本|项目)支出$|"
    r"^[“”\"]?三公[“”\"]?经费$|^机关运行经费$"
)


#: Endings of a department's name (机构名称): 办公室, 委员会, 局 …
DEPT_END = re.compile(
    r"(?:办公室|办公厅|委员会|局|厅|院|部|委|会|所|站|中心|馆|校|学|处|室|队|社|团|府|署|人民法院|人民检察院)$"
)
# Parts that only a department's name holds, also when a line break cut its ending off
# ("中国共产党某县委员会办" + "公室").
_DEPT_PART = re.compile(r"委员会|人民政府|中国共产党|[^\s]{2,}局")


@lru_cache(maxsize=1)
def subject_names() -> frozenset[str]:
    """The 功能分类 and 经济分类 科目 names of `ie/data/` (一般公共服务支出, 办公费 …)."""
    return frozenset(data_lines("functional_subjects.txt")) | economic_subjects()


def is_department_name(name: str) -> bool:
    """Whether `name` reads as a department's name rather than a 科目's (法院 is both: a
    subject).

    >>> is_department_name("某县司法局"), is_department_name("公共安全支出")
    (True, False)
    """
    key = re.sub(r"\s", "", name)
    return key not in subject_names() and bool(DEPT_END.search(key) or _DEPT_PART.search(key))


@lru_cache(maxsize=1)
def economic_subjects() -> frozenset[str]:
    """The 经济分类科目 names of `ie/data/economic_subjects.txt` (办公费, 差旅费 …)."""
    return frozenset(data_lines("economic_subjects.txt"))


def is_fund_name(name: str) -> bool:
    """Whether `name` names a budget project (a fund: …经费, …费, …项目), not an economic
    classification item (办公费, 差旅费) or a department-level heading.

    >>> is_fund_name("档案整理业务费"), is_fund_name("办公费"), is_fund_name("“三公”经费")
    (True, False, False)
    """
    key = re.sub(r"\s", "", name)
    return (
        len(key) >= 4
        and bool(_FUND_NAME_END.search(key))
        and key not in economic_subjects()
        and not _NOT_FUND.search(key)
    )
