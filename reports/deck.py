"""The recommendation pack as a short investment-committee deck (python-pptx, 16:9).

Slides: title; the recommendation in one sentence with headline figures; the efficient frontier;
the selected portfolio (as many table slides as needed, up to a limit, then "see the workbook");
capacity outlook; budget outlook; risks and decisions needed; appendix with the assumptions
(parameters, strategic weights and consistency ratio, solver status, data snapshot).

Charts are native PowerPoint charts (their data travels inside the file, so a committee secretary
can restyle or edit them). Chinese renders correctly because every run, and every chart's default
text, names an East Asian typeface (`a:ea`) as well as a Latin one: PowerPoint and LibreOffice pick
glyphs for Chinese from the East Asian font, and fall back to an installed CJK font (such as Noto
Sans CJK SC) when the named one is missing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from reports.pack import RecommendationPack
from reports.reproducible import fix_zip_timestamps
from reports.text import ReportText

LATIN_FONT = "Calibri"
EAST_ASIAN_FONT = "Microsoft YaHei"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
LIGHT = RGBColor(0xEE, 0xF2, 0xF7)
RED = RGBColor(0xC0, 0x39, 0x2B)
ROWS_PER_TABLE_SLIDE = 12
MAX_TABLE_SLIDES = 3
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)


# ---------------------------------------------------------------------------------------------- text


def set_fonts(rpr: etree._Element, latin: str = LATIN_FONT, east_asian: str = EAST_ASIAN_FONT) -> None:
    """Name the Latin and the East Asian typeface on a run's (or a default) character properties."""
    latin_el = rpr.find(qn("a:latin"))
    if latin_el is None:
        latin_el = rpr.get_or_add_latin()
    latin_el.set("typeface", latin)
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = etree.SubElement(rpr, qn("a:ea"))
        latin_el.addnext(ea)  # schema order: latin, ea, cs
    ea.set("typeface", east_asian)


def _write(frame, lines: Sequence[str], size: int = 16, bold: bool = False, color: RGBColor = GREY,
           align: PP_ALIGN | None = None, bullet: bool = False) -> None:
    """Replace a text frame's text with one paragraph per line, fonts set for Chinese and English."""
    frame.clear()
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run()
        run.text = ("• " + line) if bullet else line
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = color
        set_fonts(run._r.get_or_add_rPr())
        if bullet:
            paragraph.space_after = Pt(6)


def _textbox(slide: Slide, left, top, width, height, lines: Sequence[str], **style) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    _write(box.text_frame, lines, **style)


def _title(slide: Slide, text: str) -> None:
    _textbox(slide, MARGIN, Inches(0.35), WIDTH - 2 * MARGIN, Inches(0.8), [text], size=28, bold=True, color=NAVY)


def _mark_language(prs: Presentation, lang: str) -> None:
    """Tag every run with its language, so a viewer falling back to an installed CJK font picks the
    Simplified Chinese one (Noto Sans CJK SC rather than JP) for Chinese text."""
    language, alternate = ("zh-CN", "en-US") if lang == "zh" else ("en-US", "zh-CN")
    tags = (qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr"))
    for slide in prs.slides:
        trees = [slide._element] + [shape.chart._chartSpace for shape in slide.shapes if shape.has_chart]
        for tree in trees:
            for element in tree.iter(*tags):
                element.set("lang", language)
                element.set("altLang", alternate)


def _chart_fonts(chart, size: int = 12) -> None:
    font = chart.font  # the chart's default text properties (c:txPr/.../a:defRPr)
    font.size = Pt(size)
    set_fonts(font._rPr)


# ---------------------------------------------------------------------------------------------- slides


def _title_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    band = slide.shapes.add_shape(1, 0, Inches(2.3), WIDTH, Inches(2.4))
    band.fill.solid()
    band.fill.fore_color.rgb = NAVY
    band.line.fill.background()
    _write(band.text_frame, [tx("report.title", name=pack.scenario_name)], size=36, bold=True,
           color=RGBColor(0xFF, 0xFF, 0xFF), align=PP_ALIGN.LEFT)
    band.text_frame.margin_left = MARGIN
    band.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    subtitle = [
        tx("report.deck.subtitle", snapshot=pack.snapshot_label, as_of=pack.as_of.isoformat()),
        tx("report.deck.prepared", date=pack.generated_on.isoformat(), by=pack.created_by or "Lodestar"),
    ]
    if pack.is_recommended:
        subtitle.insert(0, tx("report.deck.recommended_badge"))
    _textbox(slide, MARGIN, Inches(4.9), WIDTH - 2 * MARGIN, Inches(1.5), subtitle, size=18)


def _recommendation_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _title(slide, tx("report.deck.recommendation"))
    _textbox(slide, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(1.4), [tx.recommendation_sentence(pack)],
             size=20, color=NAVY)
    s, unit = pack.summary, pack.currency_unit
    tiles = [
        (str(s.selected_count), tx("report.tile.selected", proposals=s.selected_count + s.left_out_count)),
        (tx.money(s.new_cost, unit, 0), tx("report.tile.new_cost")),
        (tx.number(s.objective), tx("report.tile.objective", kind=tx.objective_kind(s.objective_kind))),
        (tx.percent(s.uplift_over_greedy, 1) if s.uplift_over_greedy is not None else "-", tx("report.tile.uplift")),
        (tx.percent(s.peak_utilisation), tx("report.tile.peak", role=s.peak_role or "-")),
    ]
    gap = Inches(0.25)
    tile_width = Emu(int((WIDTH - 2 * MARGIN - gap * (len(tiles) - 1)) / len(tiles)))
    for index, (figure, label) in enumerate(tiles):
        left = MARGIN + index * (tile_width + gap)
        tile = slide.shapes.add_shape(1, left, Inches(3.0), tile_width, Inches(1.8))
        tile.fill.solid()
        tile.fill.fore_color.rgb = LIGHT
        tile.line.fill.background()
        frame = tile.text_frame
        _write(frame, [figure, label], size=14, color=GREY, align=PP_ALIGN.CENTER)
        first = frame.paragraphs[0].runs[0].font
        first.size, first.bold, first.color.rgb = Pt(26), True, NAVY
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    lines = []
    if pack.rationale:
        lines.append(tx("report.deck.rationale", rationale=pack.rationale))
    lines.append(tx("report.deck.committed_line", count=s.committed_count, cost=tx.money(s.committed_spend, unit),
                    new=tx.money(s.new_spend, unit), hires=tx.money(s.hire_cost, unit),
                    total=tx.money(s.total_cost, unit), start=s.horizon_start, end=s.horizon_end))
    if s.budget is not None:
        lines.append(tx("report.deck.budget_line", budget=tx.money(s.budget, unit), headroom=tx.money(s.budget_headroom, unit)))
    _textbox(slide, MARGIN, Inches(5.1), WIDTH - 2 * MARGIN, Inches(1.8), lines, size=14)


def _frontier_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    points = [p for p in pack.frontier if p.cost is not None and p.objective is not None]
    if not points:  # no slide that only says it was not computed
        return
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _title(slide, tx("report.chart.frontier"))
    data = XyChartData()
    line = data.add_series(tx("report.chart.frontier_series"), number_format="#,##0.0")
    for p in points:
        line.add_data_point(p.cost, p.objective)
    marker = data.add_series(tx("report.col.this_scenario"), number_format="#,##0.0")
    marker.add_data_point(pack.summary.total_cost, pack.summary.objective or 0.0)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES, MARGIN, Inches(1.3), Inches(8.4), Inches(5.7), data)
    chart = frame.chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.has_title = chart.category_axis.has_title = True
    chart.category_axis.axis_title.text_frame.text = tx("report.col.cost", unit=pack.currency_unit)
    chart.value_axis.axis_title.text_frame.text = tx("report.col.objective_value")
    scenario_series = chart.plots[0].series[1]
    scenario_series.format.line.fill.background()
    scenario_series.marker.style = XL_MARKER_STYLE.DIAMOND
    scenario_series.marker.size = 14
    scenario_series.marker.format.fill.solid()
    scenario_series.marker.format.fill.fore_color.rgb = RED
    for axis in (chart.category_axis, chart.value_axis):
        set_fonts(axis.axis_title.text_frame.paragraphs[0].runs[0]._r.get_or_add_rPr())
    _chart_fonts(chart)
    notes = [tx("report.deck.frontier_note", count=len(points))]
    for p in points:
        if p.entered:
            notes.append(tx("report.deck.frontier_step", budget=tx.money(p.budget, pack.currency_unit, 0),
                            entered=tx.join(list(pack.names_of(p.entered))[:4]) + (" …" if len(p.entered) > 4 else "")))
    _textbox(slide, Inches(9.2), Inches(1.4), Inches(3.6), Inches(5.6), notes[:9], size=11)


def _portfolio_slides(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    new = [p for p in pack.selected if not p.committed]
    unit = pack.currency_unit
    headers = [tx("report.col.name"), tx("report.col.category"), tx("report.col.start_month"),
               tx("report.col.end_month"), tx("report.col.cost", unit=unit), tx("report.col.strategic_value"),
               tx("report.col.risk")]
    widths = [3.7, 1.7, 1.15, 1.15, 1.5, 1.45, 1.25]
    chunks = [new[i:i + ROWS_PER_TABLE_SLIDE] for i in range(0, len(new), ROWS_PER_TABLE_SLIDE)] or [[]]
    shown = chunks[:MAX_TABLE_SLIDES]
    for number, chunk in enumerate(shown, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        title = tx("report.deck.portfolio")
        if len(shown) > 1:
            title += f" ({number}/{len(shown)})"
        _title(slide, title)
        if not chunk:
            _textbox(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(1), [tx("report.deck.no_new")], size=18)
            continue
        table = slide.shapes.add_table(len(chunk) + 1, len(headers), MARGIN, Inches(1.3),
                                       Inches(sum(widths)), Inches(0.4 * (len(chunk) + 1))).table
        for col, width in enumerate(widths):
            table.columns[col].width = Inches(width)
        for col, header in enumerate(headers):
            _write(table.cell(0, col).text_frame, [header], size=12, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
        for row, p in enumerate(chunk, start=1):
            values = [p.name, tx.category(p.category), p.start_month, p.end_month, tx.number(p.cost),
                      tx.number(p.strategic_value), tx.number(p.risk_score)]
            for col, value in enumerate(values):
                _write(table.cell(row, col).text_frame, [value], size=11,
                       align=PP_ALIGN.RIGHT if col >= 4 else None)
    if len(chunks) > MAX_TABLE_SLIDES:
        more = sum(len(c) for c in chunks[MAX_TABLE_SLIDES:])
        _textbox(slide, MARGIN, Inches(6.8), WIDTH - 2 * MARGIN, Inches(0.4), [tx("report.deck.more_in_workbook", count=more)],
                 size=12)


def _capacity_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _title(slide, tx("report.deck.capacity"))
    roles = [r for r in pack.role_summary if r.peak_utilisation is not None]
    if not roles:
        _textbox(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(1), [tx("report.deck.no_capacity")], size=18)
        return
    data = CategoryChartData(number_format="0%")
    data.categories = [r.role for r in reversed(roles)]
    data.add_series(tx("report.col.peak_utilisation"), [min(r.peak_utilisation, 9.99) for r in reversed(roles)])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, MARGIN, Inches(1.3), Inches(7.8), Inches(5.7), data).chart
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = "0%", False
    chart.value_axis.tick_labels.number_format, chart.value_axis.tick_labels.number_format_is_linked = "0%", False
    _chart_fonts(chart)
    lines = [tx("report.deck.capacity_note")]
    for r in roles[:6]:
        lines.append(tx("report.deck.capacity_role", role=r.role, peak=tx.percent(r.peak_utilisation),
                        month=r.peak_month or "-", over=r.months_over_capacity))
    _textbox(slide, Inches(8.7), Inches(1.4), Inches(4.1), Inches(5.6), lines, size=12)


def _budget_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _title(slide, tx("report.deck.budget"))
    unit = pack.currency_unit
    if not pack.budget_by_year:
        _textbox(slide, MARGIN, Inches(1.5), WIDTH - 2 * MARGIN, Inches(1), [tx("report.deck.no_budget")], size=18)
        return
    data = CategoryChartData(number_format="#,##0")
    data.categories = [str(y.fiscal_year) for y in pack.budget_by_year]
    for category in pack.categories:
        data.add_series(tx.category(category), [y.by_category.get(category, 0.0) for y in pack.budget_by_year])
    if not pack.categories:
        data.add_series(tx("report.col.spend", unit=unit), [y.spend for y in pack.budget_by_year])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_STACKED, MARGIN, Inches(1.3), Inches(7.8), Inches(5.7), data).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.value_axis.has_title = True
    chart.value_axis.minimum_scale = 0
    chart.value_axis.axis_title.text_frame.text = unit
    set_fonts(chart.value_axis.axis_title.text_frame.paragraphs[0].runs[0]._r.get_or_add_rPr())
    _chart_fonts(chart)
    lines = [_spend_note(pack, tx, "report.deck.budget_note")]
    for y in pack.budget_by_year:
        cap = tx("report.deck.cap", cap=tx.money(y.cap, unit)) if y.cap is not None else ""
        lines.append(tx("report.deck.budget_year", year=y.fiscal_year, spend=tx.money(y.spend, unit), cap=cap))
    _textbox(slide, Inches(8.7), Inches(1.4), Inches(4.1), Inches(5.6), lines, size=12)


def _risks_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _title(slide, tx("report.deck.risks_decisions"))
    unit = pack.currency_unit
    column = (WIDTH - 2 * MARGIN - Inches(0.4)) / 2
    for index, (key, findings) in enumerate((("report.section.risks", pack.risks), ("report.section.decisions", pack.decisions))):
        left = MARGIN + index * (column + Inches(0.4))
        _textbox(slide, left, Inches(1.3), column, Inches(0.5), [tx(key)], size=20, bold=True, color=NAVY)
        lines = [tx.finding(f, unit, medium="deck") for f in findings] or [tx("report.none")]
        _textbox(slide, left, Inches(1.9), column, Inches(5.2), lines, size=14, bullet=True)


def _appendix_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _title(slide, tx("report.deck.appendix"))
    rows = [(label, _plain(value)) for label, value in tx.parameter_rows(pack)]
    rows.append((tx("report.field.status"), tx.status(pack.summary.status)
                 + (f" ({tx('report.field.gap')} {tx.percent(pack.summary.gap, 2)})" if pack.summary.gap is not None else "")))
    table = slide.shapes.add_table(len(rows), 2, MARGIN, Inches(1.2), Inches(6.6), Inches(0.26 * len(rows))).table
    table.first_row = False  # a list of label/value pairs, not a table with a header
    table.columns[0].width, table.columns[1].width = Inches(3.6), Inches(3.0)
    for r, (label, value) in enumerate(rows):
        _write(table.cell(r, 0).text_frame, [label], size=9)
        _write(table.cell(r, 1).text_frame, [value], size=9)
        for c in (0, 1):
            table.cell(r, c).margin_top = table.cell(r, c).margin_bottom = Pt(1)
    weights = [tx("report.deck.weights_title", label=tx.weight_set_label(pack), method=tx.method(pack.weights.method))]
    weights += [f"{w.name}: {tx.percent(w.weight, 1)}" for w in pack.weight_lines]
    if pack.weights.consistency_ratio is not None:
        weights.append(tx("report.deck.cr", cr=f"{pack.weights.consistency_ratio:.3f}"))
    weights += ["", tx("report.deck.data", snapshot=pack.snapshot_label, snapshot_id=pack.snapshot_id,
                       as_of=pack.as_of.isoformat(), unit=pack.currency_unit),
                _spend_note(pack, tx, "report.deck.conventions")]
    _textbox(slide, Inches(7.6), Inches(1.2), Inches(5.2), Inches(5.9), weights, size=11)


def _spend_note(pack: RecommendationPack, tx: ReportText, key: str) -> str:
    """`key` as it is true of this pack: spend spread evenly, by monthly profile, or some of each."""
    profiled, total = len(pack.profiled_projects), len(pack.selected)
    if not profiled:
        return tx(key)
    if profiled >= total:
        return tx(key + "_all_profiled")
    return tx(key + "_profiled", count=profiled, total=total)


def _plain(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


def _economics_slide(prs: Presentation, pack: RecommendationPack, tx: ReportText) -> None:
    if pack.economics is None:   # a pack assembled without its economics (reports.economics)
        return
    from reports.economics import economics_slide

    economics_slide(prs, pack, tx)


SLIDES = (_title_slide, _recommendation_slide, _frontier_slide, _portfolio_slides, _capacity_slide, _budget_slide,
          _risks_slide, _economics_slide, _appendix_slide)


def pack_to_pptx(pack: RecommendationPack, lang: str) -> bytes:
    """The committee deck of a recommendation pack, as bytes."""
    tx = ReportText(lang)
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    for add in SLIDES:
        add(prs, pack, tx)
    _mark_language(prs, lang)
    when = dt.datetime(pack.generated_on.year, pack.generated_on.month, pack.generated_on.day)
    props = prs.core_properties
    props.title = tx("report.title", name=pack.scenario_name)
    props.author = props.last_modified_by = "Lodestar"
    props.created = props.modified = when
    props.revision = 1
    buffer = io.BytesIO()
    prs.save(buffer)
    return fix_zip_timestamps(buffer.getvalue(), when)
