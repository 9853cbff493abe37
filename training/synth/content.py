"""What a synthetic disclosure says, before it is written: department, year, consistent money,
projects with goals and 绩效 indicators.

All money is held in integer 元 so every sum is exact: functional leaves add up to their
款 and 类, total = basic + project (+ reserve), basic = personnel + public (the economic table),
and the linked rows agree (住房公积金 30113 = 2210201, 养老保险缴费 30108 = 2080505, ...).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from training.synth import vocab


@dataclass(frozen=True, slots=True)
class Place:
    """Where the department sits: `name` is the place in its name (e.g. 某某县), `lchar` the
    level character used in short names (县, 市, 区, 省, ...)."""

    province: str
    abbr: str
    name: str
    level: str  # county | city | province
    lchar: str


@dataclass(slots=True)
class Leaf:
    """A 项-level functional subject with its money by source (元)."""

    code: str
    name: str
    basic: int = 0
    project: int = 0  # general-budget project money
    other: int = 0  # project money from non-general-budget sources (事业收入, 结转, ...)
    fund: int = 0  # 政府性基金 money
    reserve: int = 0  # 单位预留机动经费

    @property
    def total(self) -> int:
        return self.basic + self.project + self.other + self.fund + self.reserve

    @property
    def gb(self) -> int:
        return self.basic + self.project + self.reserve


@dataclass(slots=True)
class EconItem:
    code: str
    name: str
    amount: int
    group: str  # personnel | public


@dataclass(slots=True)
class IndicatorRow:
    level1: str
    level2: str
    level3: str
    description: str
    target: str
    basis: str
    parsed: tuple[str | None, float | None, str | None]
    redacted: bool = False


@dataclass(slots=True)
class ProjectSpec:
    name: str
    topic: str
    goal_items: list[str]
    indicators: list[IndicatorRow]
    amount: int
    # withholding: "" (open) | "goal" | "table" (goal and all cells) | "cells" (some cells)
    withheld: str = ""
    marker: str = "不公开"
    hidden: set[int] = field(default_factory=set)  # indicator rows withheld ("cells")


@dataclass(slots=True)
class Content:
    """Everything a document states, in 元."""

    year: int
    place: Place
    dept_name: str
    dept_short: str
    dept_code: str
    family: str  # county (2020s county/city template) | province (Jiangsu 2017-2019 style)
    unit: str  # 万元 | 元
    leaves: list[Leaf]
    econ: list[EconItem]
    projects: list[ProjectSpec]
    income: dict[str, int]
    prior_total: int
    prior_basic: int
    three_public: dict[str, int]
    meeting_fee: int
    training_fee: int
    operating_cost: int
    procurement: list[tuple[str, int]]
    fixed_assets: dict[str, int]
    vehicles: int
    has_institution: bool
    topics: list[str] = field(default_factory=list)

    # --- totals ---------------------------------------------------------------------------
    @property
    def basic(self) -> int:
        return sum(x.basic for x in self.leaves)

    @property
    def project(self) -> int:
        return sum(x.project + x.other + x.fund for x in self.leaves)

    @property
    def reserve(self) -> int:
        return sum(x.reserve for x in self.leaves)

    @property
    def total(self) -> int:
        return sum(x.total for x in self.leaves)

    @property
    def personnel(self) -> int:
        return sum(e.amount for e in self.econ if e.group == "personnel")

    @property
    def public(self) -> int:
        return sum(e.amount for e in self.econ if e.group == "public")


# --- helpers ------------------------------------------------------------------------------


def split_amount(rng: random.Random, total: int, parts: int, gran: int) -> list[int]:
    """Split `total` (a multiple of `gran`) into `parts` positive-ish multiples of `gran`."""
    if parts <= 1:
        return [total]
    units = total // gran
    weights = [rng.random() ** 1.5 + 0.05 for _ in range(parts)]
    s = sum(weights)
    out = [int(units * w / s) for w in weights]
    out[0] += units - sum(out)
    return [u * gran for u in out]


def _money(rng: random.Random, lo: float, hi: float, gran: int) -> int:
    """A log-uniform amount in 元 between lo and hi 万元, rounded to `gran` 元."""
    v = 10 ** rng.uniform(_log10(lo), _log10(hi)) * 10000
    return max(gran, int(v // gran) * gran)


def _log10(x: float) -> float:
    import math

    return math.log10(x)


def pick_place(rng: random.Random, level: str) -> Place:
    provs = vocab.places()
    pname = rng.choice(sorted(provs))
    prov = provs[pname]
    if level == "province":
        lchar = "市" if prov.get("municipality") else ("省" if pname.endswith("省") else "区")
        return Place(pname, prov["abbr"], pname, level, lchar)
    city = rng.choice(sorted(prov["cities"]))
    if level == "city" and not prov.get("municipality"):
        return Place(pname, prov["abbr"], city, level, city[-1] if city[-1] in "市州盟" else "市")
    county = rng.choice(prov["cities"][city])
    return Place(pname, prov["abbr"], county, "county", county[-1])


# --- generation ---------------------------------------------------------------------------


def generate_content(rng: random.Random) -> Content:
    """Draw one department's budget: consistent numbers, projects and indicators."""
    family = "province" if rng.random() < 0.3 else "county"
    if family == "province":
        year = rng.randint(2016, 2020)
        level = rng.choices(["province", "city"], [0.8, 0.2])[0]
    else:
        year = rng.randint(2019, 2025)
        level = rng.choices(["county", "city", "province"], [0.65, 0.28, 0.07])[0]
    year_names = vocab.functional_for_year(year)
    depts = [d for d in vocab.departments() if d["branch"] in year_names]
    dept = rng.choice(depts)
    place = pick_place(rng, level)
    fill = {"P": place.name, "L": place.lchar}
    dept_name = dept["name"][level].format(**fill)
    dept_short = dept["short"][level].format(**fill)
    dept_code = rng.choice(
        [str(rng.randint(100, 999)), f"{rng.randint(100, 999)}{rng.randint(1, 30):03d}"]
    )
    unit = "万元" if rng.random() < (0.75 if family == "county" else 0.6) else "元"
    gran = 100 if unit == "万元" else rng.choice([1, 100])
    scale = {"county": 1.0, "city": 3.0, "province": 12.0}[level]
    has_inst = rng.random() < 0.5

    econ = _economic_items(rng, scale, gran, has_inst)
    linked = _linked_leaves(rng, year_names, econ, has_inst)
    personnel = sum(e.amount for e in econ if e.group == "personnel")
    public = sum(e.amount for e in econ if e.group == "public")
    basic_total = personnel + public
    rest = basic_total - sum(x.basic for x in linked)
    branch = dept["branch"]
    run_leaves = []
    admin = Leaf(branch + "01", year_names.get(branch + "01", "行政运行"))
    run_leaves.append(admin)
    inst_code = branch + "50"
    if has_inst and inst_code in year_names:
        inst = Leaf(inst_code, year_names[inst_code])
        inst.basic = (rest * rng.randint(8, 30) // 100) // gran * gran
        admin.basic = rest - inst.basic
        run_leaves.append(inst)
    else:
        admin.basic = rest

    # project leaves and projects
    n_proj = rng.randint(3, 15)
    proj_total = _money(rng, 20 * scale, 600 * scale, gran)
    proj_codes = [c for c in [branch + "02", *dept["items"], branch + "99"] if c in year_names]
    rng.shuffle(proj_codes)
    proj_codes = sorted(proj_codes[: rng.randint(1, min(3, len(proj_codes)))])
    proj_leaves = [Leaf(c, year_names[c]) for c in proj_codes]
    shares = split_amount(rng, proj_total, len(proj_leaves), gran)
    for leaf, amt in zip(proj_leaves, shares, strict=True):
        leaf.project = amt
    if not proj_leaves:  # a project can always be charged to 行政运行
        admin.project = proj_total
        proj_leaves = [admin]

    # other sources
    income = {
        "general_budget": 0,
        "gov_fund": 0,
        "state_capital": 0,
        "special_account": 0,
        "business": 0,
        "other": 0,
        "carryover": 0,
    }
    if rng.random() < 0.25:
        key = rng.choice(["business", "other", "carryover", "special_account"])
        income[key] = _money(rng, 2 * scale, 60 * scale, gran)
        proj_leaves[0].other += income[key]
    fund_leaf = None
    if rng.random() < 0.12:
        code = rng.choice(["2296002", "2120899", "2120803"])
        if code in year_names and code[:3] in year_names:
            fund_leaf = Leaf(code, year_names[code], fund=_money(rng, 5 * scale, 80 * scale, gran))
            income["gov_fund"] = fund_leaf.fund
    reserve = 0
    if family == "province" and rng.random() < 0.5:
        reserve = _money(rng, 5 * scale, 30 * scale, gran)
        proj_leaves[0].reserve = reserve
    leaves = [*run_leaves, *proj_leaves, *linked] + ([fund_leaf] if fund_leaf else [])
    # merge duplicates (admin may be both running and project leaf)
    uniq: dict[str, Leaf] = {}
    for leaf in leaves:
        uniq.setdefault(leaf.code, leaf)
    leaves = sorted(uniq.values(), key=lambda x: x.code)
    total = sum(x.total for x in leaves)
    income["general_budget"] = total - sum(v for k, v in income.items() if k != "general_budget")

    topics = list(dept["topics"])
    projects = _projects(rng, n_proj, topics, proj_total, gran, year, place)

    op = next((e.amount for e in econ if e.code == "30231"), 0)
    three = {
        "abroad": _money(rng, 1 * scale, 10 * scale, gran) if rng.random() < 0.2 else 0,
        "vehicle_purchase": _money(rng, 10, 30, gran) if rng.random() < 0.1 else 0,
        "vehicle_operation": op
        if op
        else (_money(rng, 1 * scale, 8 * scale, gran) if rng.random() < 0.6 else 0),
        "reception": _money(rng, 0.5 * scale, 30 * scale, gran) if rng.random() < 0.85 else 0,
    }
    meeting = next((e.amount for e in econ if e.code == "30215"), 0) or _money(
        rng, 0.5 * scale, 20 * scale, gran
    )
    training = next((e.amount for e in econ if e.code == "30216"), 0) or _money(
        rng, 0.5 * scale, 20 * scale, gran
    )
    operating = public if rng.random() < 0.7 else public + _money(rng, 1, 20 * scale, gran)
    procurement: list[tuple[str, int]] = []
    if rng.random() < 0.6:
        for item in rng.sample(_PROCUREMENT_ITEMS, rng.randint(1, 5)):
            procurement.append((item, _money(rng, 0.5 * scale, 40 * scale, gran)))
    vehicles = rng.choice([0, 1, 1, 2, 3, 5])
    fa = {
        "house": _money(rng, 20 * scale, 900 * scale, gran) if rng.random() < 0.6 else 0,
        "vehicle": _money(rng, 8, 25, gran) * vehicles if vehicles else 0,
        "equipment": _money(rng, 20, 60, gran) if rng.random() < 0.3 else 0,
        "other": _money(rng, 5 * scale, 200 * scale, gran),
    }
    prior_total = max(gran, int(total * rng.uniform(0.65, 1.35)) // gran * gran)
    prior_basic = max(gran, int(basic_total * rng.uniform(0.85, 1.15)) // gran * gran)
    return Content(
        year=year,
        place=place,
        dept_name=dept_name,
        dept_short=dept_short,
        dept_code=dept_code,
        family=family,
        unit=unit,
        leaves=leaves,
        econ=econ,
        projects=projects,
        income=income,
        prior_total=prior_total,
        prior_basic=prior_basic,
        three_public=three,
        meeting_fee=meeting,
        training_fee=training,
        operating_cost=operating,
        procurement=procurement,
        fixed_assets=fa,
        vehicles=vehicles,
        has_institution=has_inst,
        topics=topics,
    )


_PROCUREMENT_ITEMS = [
    "台式计算机",
    "便携式计算机",
    "复印机",
    "打印设备",
    "办公家具",
    "空调机",
    "印刷服务",
    "物业管理服务",
    "车辆维修和保养服务",
    "会议服务",
    "信息系统运维服务",
    "网络设备",
    "视频会议系统",
    "档案扫描服务",
    "安保服务",
    "法律服务",
    "图书和档案",
]

_ECON_PERSONNEL = [
    ("30101", 0.30, 1.0),
    ("30102", 0.22, 1.0),
    ("30103", 0.06, 0.7),
    ("30106", 0.02, 0.2),
    ("30107", 0.10, 0.6),
    ("30108", 0.10, 1.0),
    ("30109", 0.04, 0.5),
    ("30110", 0.05, 1.0),
    ("30111", 0.01, 0.3),
    ("30112", 0.005, 0.8),
    ("30113", 0.07, 1.0),
    ("30199", 0.02, 0.2),
    ("30301", 0.02, 0.3),
    ("30302", 0.03, 0.6),
    ("30305", 0.01, 0.4),
    ("30309", 0.0005, 0.5),
]
_ECON_PUBLIC = [
    "30201",
    "30202",
    "30205",
    "30206",
    "30207",
    "30208",
    "30209",
    "30211",
    "30213",
    "30215",
    "30216",
    "30217",
    "30226",
    "30228",
    "30229",
    "30231",
    "30239",
    "30299",
    "31002",
]


def _economic_items(rng: random.Random, scale: float, gran: int, inst: bool) -> list[EconItem]:
    subjects = vocab.economic_subjects()
    wages = _money(rng, 80 * scale, 900 * scale, gran)
    items = []
    for code, share, p in _ECON_PERSONNEL:
        if rng.random() < p:
            amt = max(gran, int(wages * share * rng.uniform(0.7, 1.3)) // gran * gran)
            items.append(EconItem(code, subjects[code].name, amt, "personnel"))
    public_total = _money(rng, 5 * scale, 80 * scale, gran)
    chosen = sorted(rng.sample(_ECON_PUBLIC, rng.randint(4, 12)))
    for code, amt in zip(chosen, split_amount(rng, public_total, len(chosen), gran), strict=False):
        if amt > 0:
            items.append(EconItem(code, subjects[code].name, amt, "public"))
    return sorted(items, key=lambda e: e.code)


def _linked_leaves(
    rng: random.Random, names: dict[str, str], econ: list[EconItem], inst: bool
) -> list[Leaf]:
    """Functional leaves whose amounts equal economic items (pension, medical, housing)."""
    amt = {e.code: e.amount for e in econ}
    out = []

    def leaf(code: str, value: int) -> None:
        if value > 0 and code in names:
            out.append(Leaf(code, names[code], basic=value))

    retire = amt.get("30301", 0) + amt.get("30302", 0)
    if "2080504" in names and rng.random() < 0.5:
        leaf("2080504", retire)
    else:
        leaf("2080501", retire)
    leaf("2080505", amt.get("30108", 0))
    leaf("2080506", amt.get("30109", 0))
    med = amt.get("30110", 0)
    if inst and med >= 200:
        part = med // 4 // 100 * 100
        leaf("2101101", med - part)
        leaf("2101102", part)
    else:
        leaf("2101101", med)
    leaf("2101103", amt.get("30111", 0))
    leaf("2210201", amt.get("30113", 0))
    return out


def _projects(
    rng: random.Random, n: int, topics: list[str], total: int, gran: int, year: int, place: Place
) -> list[ProjectSpec]:
    voc = vocab.indicators()
    pool = topics + rng.sample(voc["generic_topics"], 6)
    rng.shuffle(pool)
    names: set[str] = set()
    amounts = split_amount(rng, total, n, gran)
    out = []
    for i in range(n):
        topic = pool[i % len(pool)]
        suffix = rng.choice(voc["project_suffixes"])
        name = topic + suffix
        if i >= len(pool) or name in names:
            name = f"{topic}{rng.choice(['二期', '提升', '专项', '保障'])}{suffix}"
        if name in names:
            continue
        names.add(name)
        k = rng.randint(1, 4)
        goal_items = [c.format(T=topic, L=place.lchar) for c in rng.sample(voc["goal_clauses"], k)]
        withheld = rng.choices(["", "goal", "table", "cells"], [0.6, 0.1, 0.2, 0.1])[0]
        marker = rng.choices(["不公开", "涉密", "保密"], [0.85, 0.1, 0.05])[0]
        rows = _indicator_rows(rng, topic, year, place, amounts[i])
        hidden: set[int] = set()
        if withheld == "cells":
            hidden = {k for k in range(len(rows)) if rng.random() < 0.5} or {0}
        out.append(ProjectSpec(name, topic, goal_items, rows, amounts[i], withheld, marker, hidden))
    return out


def _indicator_rows(
    rng: random.Random, topic: str, year: int, place: Place, amount: int
) -> list[IndicatorRow]:
    voc = vocab.indicators()
    new_frame = year >= 2022 and rng.random() < 0.3
    plan = [
        ("产出指标", "数量指标", rng.randint(1, 3)),
        ("产出指标", "质量指标", rng.randint(0, 2)),
        ("产出指标", "时效指标", rng.randint(0, 1)),
    ]
    if new_frame:
        plan.append(("成本指标", "经济成本指标", 1))
    else:
        plan.append(("产出指标", "成本指标", rng.randint(0, 1)))
    plan.append(("效益指标", rng.choice(["社会效益指标", "经济效益指标", "生态效益指标"]), 1))
    if rng.random() < 0.6:
        plan.append(("效益指标", "可持续影响指标", 1))
    plan.append(("满意度指标", "服务对象满意度指标", 1))
    basis_doc = _basis_maker(rng, year, place)
    rows = []
    for l1, l2, k in plan:
        for l3t, kind in rng.sample(voc["level3"][l2], min(k, len(voc["level3"][l2]))):
            l3 = l3t.format(T=topic)
            desc = rng.choice(voc["desc_templates"]).format(L3=l3, T=topic)
            target, parsed = _target(rng, kind, year, amount, _unit_hint(l3))
            basis = basis_doc() if rng.random() < 0.45 else rng.choice(voc["basis"])
            rows.append(IndicatorRow(l1, l2, l3, desc, target, basis, parsed))
    return rows


def _basis_maker(rng: random.Random, year: int, place: Place):
    voc = vocab.indicators()
    prefix = rng.choice([place.name[0], place.abbr, place.name[:2], place.abbr + place.name[0]])
    kind = rng.choice(voc["basis_doc_kinds"])
    y0 = rng.randint(year - 8, year - 1)
    n0 = rng.randint(1, 120)
    suffix = rng.choice(voc["basis_doc_suffix"])
    bracket = rng.choice(["〔〕", "〔〕", "〔〕", "[]", "（）"])

    def make() -> str:
        if rng.random() < 0.25:
            pol = rng.choice(voc["basis_policies"])
            return pol.format(A=place.province[:2], Y0=y0, N=n0)
        return f"{prefix}{kind}{bracket[0]}{y0}{bracket[1]}{n0}{suffix}"

    return make


def _fmt_num(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


_UNIT_HINTS = [
    ("人次", "人次"),
    ("批次", "批次"),
    ("次", "次"),
    ("人数", "人"),
    ("篇", "篇"),
    ("册", "册"),
    ("个", "个"),
    ("台", "台"),
    ("期", "期"),
    ("份", "份"),
    ("件", "件"),
    ("里程", "公里"),
    ("条", "条"),
    ("年限", "年"),
    ("时间", "小时"),
    ("时限", "个工作日"),
]


def _unit_hint(l3: str) -> str | None:
    """The measure word a count indicator implies (次数 -> 次), when its name says so."""
    return next((u for key, u in _UNIT_HINTS if key in l3), None)


def _target(
    rng: random.Random, kind: str, year: int, amount: int, unit_hint: str | None = None
) -> tuple[str, tuple[str | None, float | None, str | None]]:
    """A 指标值 and its parse (op, value, unit) as SCHEMA.md defines target_parsed."""
    voc = vocab.indicators()
    sp = " " if rng.random() < 0.3 else ""
    if kind == "rate":
        if rng.random() < 0.35:
            return "100%", (None, 100.0, "%")
        op = rng.choice(["≥", "≥", "≥", ">", "≤"])
        v = float(rng.choice([80, 85, 90, 92, 95, 95, 96, 98, 99, 60, 70]))
        return f"{op}{_fmt_num(v)}%", (op, v, "%")
    if kind == "count":
        unit = unit_hint if unit_hint and rng.random() < 0.9 else rng.choice(voc["count_units"])
        v = float(rng.choice([1, 2, 3, 4, 5, 6, 10, 12, 20, 24, 30, 50, 100, 200, 500, 2000]))
        op = rng.choice(["≥", "≥", "=", "≤", None, None])
        text = f"{op or ''}{_fmt_num(v)}{sp}{unit}"
        return text, (op, v, unit)
    if kind == "time":
        t = rng.choice(voc["time_targets"]).format(Y=year)
        import re

        m = re.match(r"^(\d+)\s*(天|个工作日|年)", t)
        if m:
            return t, (None, float(m.group(1)), m.group(2))
        return t, (None, None, None)
    if kind == "cost":
        unit = rng.choice(voc["cost_units"])
        if unit.startswith("元/"):
            v = float(rng.choice([100, 150, 200, 350, 400, 550, 600]))
        elif unit == "元":
            v = float(rng.choice([500, 800, 1000, 2000, 5000, 10000]))
        else:
            v = round(max(0.5, amount / 10000 * rng.uniform(0.2, 1.0)), rng.choice([0, 1, 2]))
        op = rng.choice(["≤", "≤", None, "<"])
        return f"{op or ''}{_fmt_num(v)}{sp}{unit}", (op, v, unit)
    return rng.choice(voc["text_targets"]), (None, None, None)
