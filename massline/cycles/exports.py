"""The cycle report as files: Word (社情民意分析报告, with charts and tables in Chinese fonts)
and Excel (one sheet per table).

Word has no ECharts, so the charts are pictures drawn on matplotlib's Agg canvas (no
display, no pyplot state) in a CJK font found on the system (fonts-noto-cjk on Debian,
others by name). Without one the charts keep to dates, numbers and short English keys,
which any font shows. Every run of the document names
an East-Asian font (``w:eastAsia``), so Word shows the Chinese in 宋体/黑体 even where the
document's Latin font has no Chinese.
"""

import io
import math
from functools import cache

from django.utils.translation import gettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from openpyxl import Workbook

from massline.cycles.models import Verification
from massline.cycles.report import CycleReport, Table, tables
from massline.lib.excel import cell, table_sheet

TITLE = "社情民意分析报告"
#: CJK fonts matplotlib may find, best first.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK JP",
)
#: The East-Asian fonts Word is told to use: body and headings, as in official documents.
BODY_FONT, HEADING_FONT = "宋体", "黑体"
RED = "#b3261e"
GREY = "#8a8a8a"


@cache
def cjk_font() -> str | None:
    """The name of a CJK font matplotlib can use, or None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def _figure(width: float = 7.0, height: float = 3.0) -> Figure:
    figure = Figure(figsize=(width, height), dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def voices_chart(report: CycleReport) -> bytes:
    """New voices per day of the cycle beside the previous cycle's, by day of the month."""
    figure = _figure()
    axes = figure.add_subplot()
    for records, colour, width in ((report.before, GREY, 1.2), (report.now, RED, 2.0)):
        days = range(1, len(records.voices_per_day) + 1)
        counts = [math.nan if n is None else n for n in records.voices_per_day]
        axes.plot(days, counts, color=colour, linewidth=width)
        axes.plot([], [], color=colour, label=records.cycle.slug)  # legend without glyphs
    axes.set_xlim(1, 31)
    axes.set_ylim(bottom=0)
    axes.legend(frameon=False)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def effect_chart(verification: Verification) -> bytes:
    """A verification's new voices per day, grey before the decision and red after, with
    each period's mean and the similar issues' mean per issue."""
    chart = verification.chart()
    split, days = chart["split"], range(len(chart["days"]))
    figure = _figure(7.0, 2.6)
    axes = figure.add_subplot()
    colours = [GREY if i < split else RED for i in days]
    axes.bar(days, chart["issue"], color=colours, width=0.8)
    if chart["similar"]:
        axes.plot(days, [n / chart["similar"] for n in chart["controls"]], color="#0b57d0")
    for rate, span in ((chart["before"], (0, split)), (chart["after"], (split, len(days)))):
        if rate is not None:
            axes.hlines(rate, span[0] - 0.5, span[1] - 0.5, color="#1f2328", linewidth=1.5)
    axes.axvline(split - 0.5, color="#1f2328", linestyle="--", linewidth=1)
    ticks = list(days)[:: max(1, len(days) // 6)]
    axes.set_xticks(ticks, [chart["days"][i][5:] for i in ticks], fontsize=8)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def figures_chart(report: CycleReport) -> bytes:
    """The cycle's counts beside the previous cycle's, as paired bars (percentages apart)."""
    figures = [f for f in report.figures() if not f.percent and f.key != "voices"]
    labels = [f.label if cjk_font() else f.key for f in figures]
    figure = _figure(7.0, 3.4)
    axes = figure.add_subplot()
    places = range(len(figures))
    axes.bar([p - 0.2 for p in places], [f.previous or 0 for f in figures], 0.4, color=GREY)
    axes.bar([p + 0.2 for p in places], [f.value or 0 for f in figures], 0.4, color=RED)
    axes.set_xticks(list(places), labels, rotation=30, ha="right", fontsize=8, **_fontdict())
    axes.legend([report.before.cycle.slug, report.now.cycle.slug], frameon=False)
    axes.grid(axis="y", alpha=0.3)
    return _png(figure)


def _fontdict() -> dict:
    font = cjk_font()
    return {"fontfamily": font} if font else {}


# ---- Word -----------------------------------------------------------------------------


def _east_asian(element, font: str = BODY_FONT) -> None:
    """Name ``font`` as the East-Asian font of a run's or a style's ``element``, which Word
    uses for Chinese."""
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)


def _paragraph(document, text: str, *, bold: bool = False, centre: bool = False):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold
    _east_asian(run._element)
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _heading(document, text: str, level: int) -> None:
    heading = document.add_heading(text, level)
    for run in heading.runs:
        _east_asian(run._element, HEADING_FONT)
    if level == 0:
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(document, table: Table) -> None:
    if not table.rows:
        _paragraph(document, "—")
        return
    out = document.add_table(rows=1, cols=len(table.header))
    out.style = "Table Grid"
    for column, text in zip(out.rows[0].cells, table.header, strict=True):
        run = column.paragraphs[0].add_run(text)
        run.bold = True
        _east_asian(run._element, HEADING_FONT)
    for row in table.rows:
        cells = out.add_row().cells
        for column, value in zip(cells, row, strict=True):
            run = column.paragraphs[0].add_run("" if value is None else str(value))
            run.font.size = Pt(9)
            _east_asian(run._element)


def word(report: CycleReport) -> bytes:
    """The report as a Word document: the title and period, the figures beside the previous
    cycle's with a chart, the voices per day, then each table of the report, and after the
    verifications each one's before/after chart and verdict in words."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    _east_asian(normal.element, BODY_FONT)
    cycle = report.cycle
    _heading(document, TITLE, 0)
    _paragraph(
        document,
        f"{cycle.title}（{cycle.start:%Y-%m-%d} — {cycle.last_day:%Y-%m-%d}）",
        centre=True,
    )
    figures, *others = tables(report)
    _heading(document, figures.title, 1)
    _table(document, figures)
    document.add_picture(io.BytesIO(figures_chart(report)), width=Cm(15))
    _heading(document, gettext("New voices per day"), 1)
    _paragraph(
        document,
        gettext("%(now)d new voices in this cycle, %(before)d in the previous one.")
        % {"now": report.now.voices, "before": report.before.voices},
    )
    document.add_picture(io.BytesIO(voices_chart(report)), width=Cm(15))
    for table in others:
        _heading(document, table.title, 1)
        _table(document, table)
        if table.key == "verifications":
            for verification in report.now.verifications:
                _heading(document, verification.decision.title, 2)
                _paragraph(document, str(verification.in_words()))
                document.add_picture(io.BytesIO(effect_chart(verification)), width=Cm(15))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---- Excel ----------------------------------------------------------------------------


def _sheet_title(title: str) -> str:
    """A title Excel accepts: at most 31 characters, none of []:*?/\\."""
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]


def excel(report: CycleReport) -> bytes:
    """The report as an Excel workbook: one sheet per table, and the voices per day."""
    workbook = Workbook(write_only=True)
    for table in tables(report):
        sheet = table_sheet(
            workbook, _sheet_title(table.title), table.header, [28] + [14] * len(table.header)
        )
        for row in table.rows:
            sheet.append([cell(sheet, value) for value in row])
    header = [gettext("Day"), gettext("New voices")]
    sheet = table_sheet(workbook, gettext("New voices per day"), header, [14, 12])
    for day, n in zip(report.cycle.days(), report.now.voices_per_day, strict=True):
        sheet.append([cell(sheet, day), cell(sheet, n)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
