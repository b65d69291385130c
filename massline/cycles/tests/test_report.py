"""The cycle report's numbers against constructed records of November and October 2026,
and the report as Word and Excel files read back."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from conftest import need
from massline.cases.models import Callback, Case
from massline.cycles import exports
from massline.cycles.models import Reopening, Verification
from massline.cycles.report import Cycle, report, tables
from massline.cycles.tests import stories
from massline.decisions.models import Commitment, Notice
from massline.engine import effect as engine

NOVEMBER = Cycle.of("2026-11")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def month(city, people):
    """October: 10 voices, one new hot issue. November: 6 voices, one new hot issue and the
    October one ongoing, a decision with two commitments due (one kept), three answers (two
    satisfied), one verification that reopened the issue into December."""
    stories.voices("翠湖", [1] * 10, date(2026, 10, 5), category=city["property"])
    november = stories.voices("翠湖", [2] * 3, date(2026, 11, 3), category=city["property"])
    cuihu = stories.hot_issue(
        "翠湖", city["property"], start=date(2026, 10, 5), end=date(2026, 11, 5)
    )
    stories.member(cuihu, november)
    stories.hot_issue("滨江苑", city["property"], start=date(2026, 11, 10), end=date(2026, 11, 12))
    decision = stories.decision(
        cuihu,
        people["leader"],
        city["housing"],
        decided_on=date(2026, 11, 6),
        deadlines=[date(2026, 11, 20), date(2026, 11, 25)],
    )
    kept = decision.commitments.get(title="承诺1")
    Commitment.objects.filter(pk=kept.pk).update(
        status=Commitment.Status.DONE, progress=100, done_on=date(2026, 11, 18)
    )
    for voice, answer in zip(november[:2], ["yes", "no"], strict=True):
        Notice.objects.create(decision=decision, voice=voice, answer=answer, answered_at=at(11, 15))
    with time_machine.travel(at(11, 8), tick=False):
        case = Case.accept(november[2], people["operator"])
        case.dispatch(people["operator"], city["housing"])
        reply, _token = case.reply(people["housing_handler"], "resolved", "已更换电梯。")
        case.rate(reply, Callback.Rating.BASICALLY, True)
    with time_machine.travel(at(11, 21), tick=False):
        effect = engine.measure(engine.Counts.of([2] * 14, [2] * 14))
        verification = Verification.objects.create(
            decision=decision,
            verified_by=people["leader"],
            before_from=date(2026, 9, 7),
            measure_date=date(2026, 11, 6),
            after_until=date(2026, 11, 21),
            series={
                "days": [f"2026-11-{day:02}" for day in range(1, 29)],
                "issue": [2] * 28,
                "controls": [0] * 28,
            },
            effect={k: v for k, v in vars(effect).items() if k != "verdict"},
            verdict=effect.verdict,
            outcome=Verification.Outcome.REOPENED,
        )
        Reopening.objects.create(
            hot_issue=cuihu,
            verification=verification,
            into_cycle=date(2026, 12, 1),
        )
    return {"decision": decision, "issue": cuihu}


def figures(cycle: Cycle, user=None) -> dict:
    return {f.key: (f.value, f.previous, f.judgement) for f in report(cycle, user).figures()}


def test_the_report_counts_the_cycle_beside_the_previous_one(month):
    got = figures(NOVEMBER)
    assert got["voices"] == (6, 10, "better")
    assert got["new_issues"] == (1, 1, "same")
    assert got["ongoing_issues"] == (1, 0, "worse")
    assert got["decisions"] == (1, 0, "better")
    assert got["due"] == (2, 0, "")
    assert got["kept"] == (1, 0, "better")
    assert got["kept_rate"] == (50.0, None, "")
    assert got["satisfaction"][0] == pytest.approx(200 / 3)  # yes + basically of three
    assert got["verified"] == (1, 0, "")
    assert got["fell"] == (0, 0, "same")
    assert got["reopened"] == (1, 0, "worse")


def test_a_reopened_issue_is_carried_into_the_next_cycle(month):
    december = report(Cycle.of("2026-12"))
    assert [r.hot_issue for r in december.now.carried_in] == [month["issue"]]
    assert december.now.reopened == []
    carried = {t.key: t for t in tables(december)}["carried_in"]
    reason = "new voices did not clearly fall (No clear effect (无明显变化))"
    assert carried.rows == [["翠湖电梯停运", "翠湖电梯更新改造", reason]]


def test_the_report_counts_only_what_its_reader_may_see(month, people):
    # The ecology handler's department has none of these voices.
    assert figures(NOVEMBER, people["ecology_handler"])["voices"][:2] == (0, 0)
    assert figures(NOVEMBER, people["operator"])["voices"][:2] == (6, 10)


def test_the_word_document_has_the_title_tables_charts_and_chinese_fonts(month):
    document = Document(io.BytesIO(exports.word(report(NOVEMBER))))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Head", "Title"))]
    assert headings[0] == "社情民意分析报告"
    assert "2026年11月（2026-11-01 — 2026-11-30）" in [p.text for p in document.paragraphs]
    assert {"Figures", "New voices per day", "Hot issues", "Commitments due"} <= set(headings)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[0].rows}
    assert rows["New voices"] == ["New voices", "6", "10", "-4", "better"]
    assert rows["Kept on time (%)"][1] == "50.0%"
    # the figures, the voices per day, and the verification's before/after
    assert len(document.inline_shapes) == 3
    texts = [p.text for p in document.paragraphs]
    said = texts[texts.index("翠湖电梯更新改造") + 1]
    assert said.endswith("is within what chance and similar issues explain: no clear effect.")
    commitments = next(t for t in document.tables if t.rows[0].cells[0].text == "Commitment")
    first = [c.text for c in commitments.rows[1].cells]
    assert first[:3] == ["承诺1", "江北区住房和城乡建设局", "2026-11-20"]
    run = document.tables[1].rows[1].cells[0].paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == exports.BODY_FONT


def test_the_charts_find_a_chinese_font_on_this_system(db):
    need(exports.cjk_font() is not None, "no CJK font (apt-get install fonts-noto-cjk)")
    assert exports.figures_chart(report(NOVEMBER)).startswith(b"\x89PNG")


def test_without_a_chinese_font_the_charts_still_draw(db, monkeypatch):
    monkeypatch.setattr(exports, "CJK_FONTS", ())
    exports.cjk_font.cache_clear()
    try:
        assert exports.cjk_font() is None
        assert exports.figures_chart(report(NOVEMBER)).startswith(b"\x89PNG")
    finally:
        monkeypatch.undo()
        exports.cjk_font.cache_clear()


def test_the_excel_workbook_has_one_sheet_per_table(month):
    workbook = load_workbook(io.BytesIO(exports.excel(report(NOVEMBER))))
    assert workbook.sheetnames[:3] == ["Figures", "Hot issues", "Decisions"]
    assert "New voices per day" in workbook.sheetnames
    figures_rows = list(workbook["Figures"].iter_rows(values_only=True))
    assert figures_rows[1] == ("New voices", "6", "10", "-4", "better")
    decisions = list(workbook["Decisions"].iter_rows(values_only=True))
    assert decisions[1][:3] == ("翠湖电梯更新改造", "翠湖电梯停运", "江北区住房和城乡建设局")
    per_day = list(workbook["New voices per day"].iter_rows(values_only=True))
    assert len(per_day) == 31 and sum(n for _, n in per_day[1:]) == 6


def test_the_command_writes_the_month_as_word_and_excel_in_chinese(month, tmp_path, capsys):
    call_command("cycle_report", month="2026-11", out=str(tmp_path))
    docx = tmp_path / "社情民意分析报告-2026-11.docx"
    assert docx.exists() and (tmp_path / "社情民意分析报告-2026-11.xlsx").exists()
    assert str(docx) in capsys.readouterr().out
    document = Document(str(docx))
    assert document.paragraphs[0].text == "社情民意分析报告"
    assert "主要指标" in [p.text for p in document.paragraphs]
    assert [c.text for c in document.tables[0].rows[1].cells] == [
        "新增诉求",
        "6",
        "10",
        "-4",
        "变好",
    ]
