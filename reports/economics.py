"""The pack's economics and uncertainty (issue 19): business cases, alternatives compared, the plan's
Monte Carlo summary and the value-against-risk front, read once and written as two workbook sheets.

`read_economics(con, scenario_id)` gathers, for the scenario's snapshot:
- the business case of every plan project and every left-out proposal (default rate 8 %, 36 benefit
  months: docs/business-cases.md), and every exclusive group's alternatives in the recommended order;
- the plan simulated (`SIMULATION_RUNS` runs, seed 1, the scenario's budget; docs/uncertainty.md);
- the Pareto front of the scenario's parameters (`PARETO_POINTS` levels, each solve at most
  `PARETO_SECONDS`); an optimiser failure leaves the front empty instead of failing the pack.
`cases_sheet` and `uncertainty_sheet` write them (reports/excel.py calls them when the pack has them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series

from analytics.cases import Alternative, BusinessCase, business_cases
from analytics.errors import AnalyticsError
from analytics.pareto import ParetoPoint, pareto_front
from analytics.simulation import SimulationSummary
from analytics.vocabulary import DEFAULT_BENEFIT_MONTHS, DEFAULT_DISCOUNT_RATE
from store.cases import alternatives_of
from store.errors import NotFound
from store.history import overrun_priors
from store.portfolio import load_portfolio
from store.scenarios import get_scenario
from store.simulation import simulate_scenario

SIMULATION_RUNS = 10_000
PARETO_POINTS = 6
PARETO_SECONDS = 10.0


@dataclass(frozen=True)
class PackEconomics:
    rate: float
    benefit_months: int
    cases: tuple[BusinessCase, ...]          # plan projects first, then left-out proposals, each by id
    in_plan: frozenset[str]
    alternatives: tuple[Alternative, ...]
    simulation: SimulationSummary | None
    pareto: tuple[ParetoPoint, ...]


def read_economics(con, scenario_id: int) -> PackEconomics:
    scenario = get_scenario(con, scenario_id)
    try:
        data = load_portfolio(con, scenario.snapshot_id, scenario.params.weight_set_id)
    except NotFound:   # its weight set was deleted since: the snapshot's weights in effect now
        data = load_portfolio(con, scenario.snapshot_id)
    plan = {p.project_id for p in scenario.result.selected}
    left = {str(p["project_id"]) for p in scenario.payload.get("explanations", ()) if isinstance(p, dict)}
    wanted = data.projects[data.projects["project_id"].isin(plan | left)]
    wanted = wanted.assign(_order=[(pid not in plan, pid) for pid in wanted["project_id"]]).sort_values("_order")
    cases = business_cases(wanted.drop(columns="_order"), data.spend_profile, data.cash_flows,
                           rate=DEFAULT_DISCOUNT_RATE, benefit_months=DEFAULT_BENEFIT_MONTHS)
    alternatives, _ = alternatives_of(con, scenario.snapshot_id)
    simulation = None
    if scenario.result.has_solution:
        try:
            simulation = simulate_scenario(con, scenario_id, runs=SIMULATION_RUNS, seed=1, priors=overrun_priors(con))
        except AnalyticsError:
            simulation = None
    front: tuple[ParetoPoint, ...] = ()
    try:
        params = dataclasses.replace(scenario.params,
                                     time_limit_seconds=min(scenario.params.time_limit_seconds, PARETO_SECONDS))
        front = tuple(pareto_front(data, params, PARETO_POINTS))
    except AnalyticsError:
        front = ()
    return PackEconomics(DEFAULT_DISCOUNT_RATE, DEFAULT_BENEFIT_MONTHS, tuple(cases), frozenset(plan),
                         tuple(alternatives), simulation, front)


def cases_sheet(wb: Workbook, economics: PackEconomics, sheet_cls, tx, unit: str) -> None:
    ws = wb.create_sheet(tx("report.sheet.cases"))
    sheet = sheet_cls(ws, tx.lang)
    money, share = "#,##0.0", "0.0%"
    columns = [(tx("cases.col.project"), None), (tx("report.cases.in_plan"), None), (tx("cases.col.npv") + f" ({unit})", money),
               (tx("cases.col.irr"), share), (tx("cases.col.payback"), "0"), (tx("cases.col.discounted_payback"), "0"),
               (tx("cases.col.cost") + f" ({unit})", money), (tx("cases.col.benefit") + f" ({unit})", money),
               (tx("cases.col.source"), None)]
    rows = [(c.project_id, tx.yes_no(c.project_id in economics.in_plan), c.npv, c.irr, c.payback_month_offset,
             c.discounted_payback_month_offset, c.total_cost, c.total_benefit, tx(f"cases.source.{c.source}"))
            for c in economics.cases]
    last = sheet.table(1, 1, columns, rows)
    row = last + 2
    sheet.put(row, 1, tx("report.cases.rate", rate=tx.percent(economics.rate, 1), months=economics.benefit_months))
    row += 2
    sheet.put(row, 1, tx("cases.alt.header"), bold=True)
    alt_columns = [(tx("report.cases.group"), None), (tx("cases.col.rank"), "0"), (tx("cases.col.project"), None),
                   (tx("cases.col.npv") + f" ({unit})", money), (tx("cases.col.irr"), share),
                   (tx("cases.col.payback"), "0"), (tx("cases.col.strategic_value"), "0.0"), (tx("cases.col.risk"), "0.0"),
                   (tx("report.cases.peak_fte"), None), (tx("cases.col.in_plan"), None), (tx("report.cases.reason"), None)]
    alt_rows = [(a.group, a.rank, a.project_id, a.npv, a.irr, a.payback_month_offset, a.strategic_value, a.risk_score,
                 ", ".join(f"{role} {fte:g}" for role, fte in sorted(a.peak_fte.items())),
                 "-" if a.in_plan is None else tx.yes_no(a.in_plan), reason_text(a, tx))
                for a in economics.alternatives]
    if alt_rows:
        sheet.table(row + 1, 1, alt_columns, alt_rows)
    else:
        sheet.put(row + 1, 1, tx("cases.alt.none"))
    sheet.finish()


def reason_text(row: Alternative, tx) -> str:
    if row.reason == "last":
        return tx("cases.alt.reason.last", project=row.project_id)
    return tx(f"cases.alt.reason.{row.reason}", project=row.project_id, next=row.next_project_id)


def uncertainty_sheet(wb: Workbook, economics: PackEconomics, sheet_cls, tx, unit: str) -> None:
    ws = wb.create_sheet(tx("report.sheet.uncertainty"))
    sheet = sheet_cls(ws, tx.lang)
    sim = economics.simulation
    sheet.put(1, 1, tx("simulation.page.header"), bold=True)
    if sim is None:
        sheet.put(2, 1, tx("report.uncertainty.no_simulation"))
        row = 4
    else:
        lines = [
            (tx("report.uncertainty.runs"), sim.runs, "#,##0"),
            (tx("simulation.metric.within"), sim.p_within_budget, "0.0%"),
            (tx("report.uncertainty.cost", unit=unit), None, None),
            ("P10", sim.cost.p10, "#,##0.0"), ("P50", sim.cost.p50, "#,##0.0"), ("P90", sim.cost.p90, "#,##0.0"),
            (tx("report.uncertainty.value", unit=unit), None, None),
            ("P10", sim.value.p10, "#,##0.0"), ("P50", sim.value.p50, "#,##0.0"), ("P90", sim.value.p90, "#,##0.0"),
            (tx("simulation.metric.finish"), sim.p_finish_in_horizon, "0.0%"),
        ]
        for offset, (label, value, fmt) in enumerate(lines, start=2):
            sheet.put(offset, 1, label, bold=value is None)
            sheet.put(offset, 2, "-" if value is None and fmt else value, fmt)
        row = 2 + len(lines) + 1
        for category, projects in sorted(sim.priors_used.items()):
            sheet.put(row, 1, tx("report.uncertainty.prior", category=category, projects=", ".join(projects)))
            row += 1
        row += 1
    sheet.put(row, 1, tx("pareto.page.header"), bold=True)
    columns = [(tx("pareto.page.x"), "#,##0"), (tx("pareto.page.y"), "#,##0.0"), (tx("report.pareto.projects"), None)]
    rows = [(p.risk_exposure, p.value, ", ".join(p.selected_ids)) for p in economics.pareto]
    if not rows:
        sheet.put(row + 1, 1, tx("report.pareto.none"))
        sheet.finish(freeze=None)
        return
    first = row + 1
    last = sheet.table(first, 1, columns, rows)
    chart = ScatterChart()
    chart.title = tx("pareto.page.header")
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title, chart.y_axis.title = tx("pareto.page.x"), tx("pareto.page.y")
    series = Series(Reference(ws, min_col=2, min_row=first + 1, max_row=last),
                    Reference(ws, min_col=1, min_row=first + 1, max_row=last), title=tx("pareto.page.front"))
    series.marker.symbol = "circle"
    chart.series.append(series)
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, f"E{first}")
    sheet.finish(freeze=None)


def economics_slide(prs, pack, tx) -> None:
    """One deck slide: the value-against-risk front on the left; the plan's simulation, its best
    business cases and each exclusive group's first choice on the right."""
    from pptx.chart.data import XyChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.util import Inches

    from reports import deck

    economics: PackEconomics = pack.economics
    unit = pack.currency_unit
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    deck._title(slide, tx("report.deck.economics"))
    if economics.pareto:
        data = XyChartData()
        series = data.add_series(tx("pareto.page.front"), number_format="#,##0.0")
        for p in economics.pareto:
            series.add_data_point(p.risk_exposure, p.value)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER_LINES, deck.MARGIN, Inches(1.3), Inches(7.2),
                                       Inches(5.7), data)
        chart = frame.chart
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.value_axis.has_title = chart.category_axis.has_title = True
        chart.category_axis.axis_title.text_frame.text = tx("pareto.page.x")
        chart.value_axis.axis_title.text_frame.text = tx("pareto.page.y")
        for axis in (chart.category_axis, chart.value_axis):
            deck.set_fonts(axis.axis_title.text_frame.paragraphs[0].runs[0]._r.get_or_add_rPr())
        deck._chart_fonts(chart)
    lines: list[str] = []
    sim = economics.simulation
    if sim is not None:
        if sim.p_within_budget is not None:
            lines.append(tx("report.deck.sim_within", p=tx.percent(sim.p_within_budget, 1)))
        lines.append(tx("report.deck.sim_cost", p10=tx.money(sim.cost.p10, unit, 0), p50=tx.money(sim.cost.p50, unit, 0),
                        p90=tx.money(sim.cost.p90, unit, 0)))
        lines.append(tx("report.deck.sim_finish", p=tx.percent(sim.p_finish_in_horizon, 1)))
    best = sorted((c for c in economics.cases if c.project_id in economics.in_plan), key=lambda c: -c.npv)[:4]
    for c in best:
        lines.append(tx("report.deck.case_line", project=pack.project_names.get(c.project_id, c.project_id),
                        npv=tx.money(c.npv, unit, 0), irr="-" if c.irr is None else tx.percent(c.irr, 1),
                        payback="-" if c.payback_month_offset is None else c.payback_month_offset))
    for a in economics.alternatives:
        if a.rank == 1:
            lines.append(tx("report.deck.alternative_first", group=a.group, project=a.project_id,
                            reason=reason_text(a, tx)))
    deck._textbox(slide, Inches(8.0), Inches(1.4), Inches(4.8), Inches(5.6), lines[:10] or [tx("report.none")], size=12)
