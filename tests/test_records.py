"""Record assembly: the real example against its gold record, made-up prose, the Jiangsu PDFs."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from ie.ingest import ingest
from ie.records import build_record, department, is_fund_name, prose_amounts, to_wan
from ie.schema import Table, TableRow

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpora" / "real" / "004_3c37c7924f173325"
JIANGSU = ROOT.parent / "shared" / "corpora" / "jiangsu"


def _norm(s) -> str | None:
    """SCHEMA.md string comparison: NFKC, no whitespace, >= → ≥, [ ]【】 → 〔 〕."""
    if s is None:
        return None
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))
    for a, b in ((">=", "≥"), ("<=", "≤"), ("[", "〔"), ("]", "〕"), ("【", "〔"), ("】", "〕")):
        s = s.replace(a, b)
    return s


def _f1(pred: set, gold: set) -> float:
    tp = len(pred & gold)
    return 2 * tp / (len(pred) + len(gold)) if pred or gold else 1.0


def _fields(record: dict) -> dict[str, set]:
    return {
        "key_figures": {(k, round(v, 2)) for k, v in record["key_figures"].items()},
        "projects": {_norm(p["name"]) for p in record["projects"]},
        "indicators": {
            tuple(_norm(i[k]) for k in ("project", "level1", "level2", "level3", "target", "basis"))
            for i in record["indicators"]
        },
        "redactions": {(_norm(r["project"]), r["scope"]) for r in record["redactions"]},
    }


@pytest.fixture(scope="module")
def real_record():
    return build_record(ingest(REAL.with_suffix(".txt")))


def test_real_example_against_gold(real_record) -> None:
    gold = _fields(json.loads(REAL.with_suffix(".gold.json").read_text(encoding="utf-8")))
    pred = _fields(real_record.model_dump())
    scores = {k: _f1(pred[k], gold[k]) for k in gold}
    assert scores["key_figures"] >= 0.95, pred["key_figures"] ^ gold["key_figures"]
    assert scores["projects"] >= 0.95, pred["projects"] ^ gold["projects"]
    assert scores["indicators"] >= 0.95
    assert scores["redactions"] == 1.0, pred["redactions"] ^ gold["redactions"]


def test_real_example_details(real_record) -> None:
    r = real_record
    assert (r.department.name, r.department.code, r.year) == (
        "中国共产党卢龙县委员会办公室",
        "201",
        2023,
    )
    # Stated as 0 → 0; the one 事业收入 the text never states stays absent.
    assert r.key_figures["income_gov_fund"] == 0 and "income_business" not in r.key_figures
    # 分项 item "XX基地经费" is the same project as the table "XX基地"; each project once.
    names = [p.name for p in r.projects]
    assert len(names) == len({re.sub(r"经费$", "", n) for n in names})
    withheld = {p.name: p for p in r.projects if p.redacted}
    assert all(p.goal == "不公开" for p in withheld.values())
    # A table with an unfilled goal but 不公开 in 分项绩效目标: goal withheld, no indicator rows.
    scopes = {(x.project, x.scope) for x in r.redactions}
    assert ("机要局业务费", "goal") in scopes and ("机要局业务费", "indicators") not in scopes
    assert r.warnings == [] and r.tables == []


def test_amounts_point_back_at_the_source(real_record) -> None:
    text = REAL.with_suffix(".txt").read_text(encoding="utf-8")
    assert real_record.amounts
    for a in real_record.amounts:
        assert text[a.start : a.end] == a.text
        assert a.text.endswith(a.unit)
    first = real_record.amounts[0]
    assert (first.value, first.unit) == (686.71, "万元") and first.context.endswith("预算收入")


def _doc(tmp_path: Path, text: str):
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return ingest(path)


PROSE = """测试县民政局 2024 年部门预算信息公开情况说明
一、收入说明
2024年预算收入12,345,600元，其中：一般公共预算收入1.2亿元，政府性基金预算收入0万元，事业收入
345.6万元。
二、支出说明
2024年支出预算1234.56万元，其中基本支出800.00万元，包括人员经费700万元和日常公用经费100万元；
项目支出434.56万元，主要为救助站运行经费、低保信息平台项目等。基本支出增加50.26万元。
三、比上年增减情况
2024年预算收支安排1234.56万元，较2023年预算减少65.44万元，主要为项目压减。
四、“三公”经费
“三公”经费预算安排5万元，其中因公出国（境）费0万元；公务接待费5万元。
"""


def test_prose_figures_units_signs_and_absence(tmp_path) -> None:
    r = build_record(_doc(tmp_path, PROSE))
    kf = r.key_figures
    assert kf["income_total"] == pytest.approx(1234.56)  # 元 ÷ 10000
    assert kf["income_general_budget"] == pytest.approx(12000)  # 亿元 × 10000
    assert kf["income_business"] == pytest.approx(345.6)  # figure wrapped onto the next line
    assert kf["expense_basic"] == 800 and kf["expense_public"] == 100
    assert kf["change_total"] == pytest.approx(-65.44)  # 减少 → negative
    assert kf["income_gov_fund"] == 0 and kf["three_public_abroad"] == 0
    assert "three_public_vehicle" not in kf and "operating_cost" not in kf
    assert (r.department.name, r.year) == ("测试县民政局", 2024)
    assert {p.name for p in r.projects} == {"救助站运行经费", "低保信息平台项目"}


def test_prose_table_disagreement_is_a_failed_check(tmp_path) -> None:
    tables = [
        Table(
            kind="expense_by_function",
            title="部门预算支出总表",
            rows=[TableRow(name="合计", values={"total": 1234.56, "basic": 810.0})],
        ),
        Table(
            kind="three_public",
            title="“三公”经费支出表",
            rows=[TableRow(name="公务用车运行维护费", values={"total": 4.5})],
        ),
    ]
    r = build_record(_doc(tmp_path, PROSE), tables=tables)
    failed = [c for c in r.checks if not c.ok]
    assert any("expense_basic" in c.rule for c in failed)
    assert any(c.ok and "expense_total" in c.rule for c in r.checks)
    assert r.key_figures["expense_basic"] == 800  # the prose figure stays
    assert r.key_figures["three_public_vehicle_operation"] == 4.5  # only a table states it
    assert len(r.tables) == 2


def test_not_a_disclosure_warns(tmp_path) -> None:
    r = build_record(_doc(tmp_path, "今天天气很好，我们去公园散步。\n"), tables=[])
    assert "no budget tables found" in r.warnings
    assert any("not a 部门预算 disclosure" in w for w in r.warnings)


def test_helpers(tmp_path) -> None:
    assert to_wan(12000, "元") == 1.2 and to_wan(1.5, "亿元") == 15000 and to_wan(3, "万元") == 3
    assert is_fund_name("党史办业务费") and is_fund_name("云督办平台经费")
    assert not is_fund_name("办公费") and not is_fund_name("“三公”经费")
    doc = _doc(tmp_path, "部门：测试市财政局    单位：万元\n部门：测试市财政局\n")
    assert department(doc).name == "测试市财政局"
    amounts = prose_amounts(_doc(tmp_path, "安排资金 1,2\n00.5 万元。"))
    assert [(a.value, a.context) for a in amounts] == [(1200.5, "安排资金")]


def _jiangsu() -> list[Path]:
    return sorted(JIANGSU.glob("*/*.pdf")) if JIANGSU.is_dir() else []


def test_jiangsu_pdfs_build_records() -> None:
    pdfs = _jiangsu()
    if not pdfs:
        pytest.skip("../shared/corpora/jiangsu is absent")
    for path in pdfs:
        r = build_record(ingest(path))
        assert r.year in (2017, 2018, 2019), path
        assert r.department.name and r.department.name.startswith(
            ("江苏省", "中共江苏", "中国共产党江苏")
        ), path
        for a in r.amounts:
            assert a.value >= 0 and a.start < a.end


def test_jiangsu_2019_procuratorate_figures() -> None:
    path = JIANGSU / "江苏省人民检察院" / "2019年度部门预算公开.pdf"
    if not path.exists():
        pytest.skip("../shared/corpora/jiangsu is absent")
    kf = build_record(ingest(path)).key_figures
    expected = {
        "income_total": 24169.74,
        "expense_basic": 15844.04,
        "expense_project": 4335.3,
        "expense_reserve": 3990.4,
        "expense_personnel": 13452.12,
        "change_total": 2214.39,
        "three_public_abroad": 80,
        "three_public_reception": 101.26,
        "meeting_fee": 158.44,
        "training_fee": 700,
        "procurement_total": 2744.84,
    }
    assert {k: kf.get(k) for k in expected} == pytest.approx(expected)


NOISY = """\
中国共产党测试县委员会办公室 2023 年部门预算信息公开情况说明
一、部门预算安排的总体情况
2０23年收入预算总计1，234.56万元，其中一般公共预算拨款收入1 234.56万元。
支出预算l234.56万元，其中基本支出800. 00万元；项目支出434.56万元，主要为救助站运行经费等o3、
比上年增减情况
2023年预算收支安排1234.56万元，较２０22年预算增加65.44万元，其中：基本支出减少5万元。
四、“三公”经费
“三公”经费预算安排5万元，其中因公出国（境）费0万元；公务接待费5万元。
五、预算绩效信息
（二）分项绩效目标
1、聘用人员经费：保障聘用
人员工作正常开展。
2、办公楼维修改造 补助资金：不公开。
六、项目支出情况说明
（一）档案数字化专项资金情况说明
该项目2023年预算安排10万元，主要用于档案数字化相关工作。
绩效目标：涉密。
（二）１２345热线运维费情况说明
该项目2023年预算安排8万元。
绩效目标：提高热线服务水平。
"""


def test_noisy_prose_figures_and_projects(tmp_path) -> None:
    """Full-width digits, a thousands comma read as ，, a broken number, an OCR `l` for 1, a
    full stop read as `o` before a numbered heading; 分项绩效目标 items wrapped over lines and
    spaced out; projects described in "（一）XX情况说明" sections."""
    r = build_record(_doc(tmp_path, NOISY))
    kf = r.key_figures
    assert kf["income_total"] == pytest.approx(1234.56)
    assert kf["income_general_budget"] == pytest.approx(1234.56)
    assert kf["expense_total"] == pytest.approx(1234.56)
    assert kf["expense_basic"] == pytest.approx(800)
    assert kf["change_total"] == pytest.approx(65.44)
    assert kf["three_public_total"] == 5 and kf["three_public_reception"] == 5
    names = {_norm(p.name): p for p in r.projects}
    assert set(names) >= {
        "聘用人员经费",
        "办公楼维修改造补助资金",
        "档案数字化专项资金",
        "12345热线运维费",
        "救助站运行经费",
    }
    assert names["聘用人员经费"].goal == "保障聘用人员工作正常开展。"
    assert {(x.project, x.scope, x.marker) for x in r.redactions} == {
        ("办公楼维修改造补助资金", "goal", "不公开"),
        ("档案数字化专项资金", "goal", "涉密"),
    }


def test_table_words_are_not_prose(tmp_path) -> None:
    """Words and figures inside a space-aligned 绩效目标表 (会议费标准 … 2万元/年) state no key
    figure."""
    text = "\n".join(
        [
            "一、预算项目绩效目标",
            "1、会议保障经费绩效目标表",
            "绩效目标  保障会议。",
            "一级指标  二级指标  三级指标  绩效指标描述  指标值  指标值确定依据",
            "产出指标  成本指标  会议费标准  会议费标准  2万元/年  历史经验",
            "二、其他说明",
            "本部门2023年培训费预算3万元。",
        ]
    )
    r = build_record(_doc(tmp_path, text))
    assert "meeting_fee" not in r.key_figures
    assert r.key_figures["training_fee"] == 3


def test_three_public_table_that_does_not_add_up_is_not_read() -> None:
    from ie.records import table_figures

    def table(values: list[float]) -> Table:
        names = (
            "合计 “三公”经费小计 因公出国（境）费 公务用车购置及运行维护费 公务用车购置费 "
            "公务用车运行维护费 公务接待费 会议费 培训费"
        ).split()
        return Table(
            kind="three_public",
            title="“三公”经费、会议费、培训费支出预算表",
            rows=[
                TableRow(name=n, values={"total": v}) for n, v in zip(names, values, strict=True)
            ],
        )

    good = table_figures([table([141.02, 132.19, 41.71, 90.48, 0.0, 90.48, 0.0, 1.61, 7.22])])
    assert good["three_public_total"] == 132.19 and good["training_fee"] == 7.22
    # the same figures read one column out of place
    bad = table_figures([table([141.02, 41.71, 90.48, 0.0, 90.48, 0.0, 1.61, 7.22, 0.0])])
    assert not any(k.startswith("three_public") or k.endswith("_fee") for k in bad)
