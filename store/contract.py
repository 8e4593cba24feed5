"""The import data contract, as data: the file kinds and every column of each.

One `Column` per column: canonical English snake_case name, the Chinese header accepted as an alias,
its value type, whether it is required, its range or allowed values. The reader (header matching),
the value parser, the validator, the blank templates, the Data page and `docs/data-contract.md` all
read these tables, so the contract is written down exactly once.

Value types:
  id      text key; surrounding spaces and full-width letters/digits normalised (Ｐ００１ -> P001)
  text    free text, surrounding spaces removed
  enum    one of `allowed` (English or Chinese spelling, any case)
  bool    yes/no/true/false/1/0/是/否
  int     whole number
  number  decimal number; thousands separators and full-width digits accepted
  score   0-5, or the words 无/低/中/高/极高 (= 0/1/2/4/5)
  date    2026-03-01, 2026/3/1, 2026年3月1日
  month   2026-03, 2026/3, 2026年3月 (stored as the first day of the month)
  list    ids separated by ; ； , ， or 、
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from analytics.vocabulary import CHANGE_STATUSES, SCORECARD_METRICS, STATUSES

COLUMN_TYPES: tuple[str, ...] = ("id", "text", "enum", "bool", "int", "number", "score", "date", "month", "list")


@dataclass(frozen=True)
class Column:
    """One column of a file kind."""

    name: str  # canonical header (English snake_case) and database column
    zh: str  # Chinese header accepted as an alias
    type: str  # one of COLUMN_TYPES
    required: bool = False
    minimum: float | None = None  # inclusive
    maximum: float | None = None  # inclusive
    allowed: tuple[str, ...] = ()  # canonical values of an enum
    # How a trailing percent sign is read: "points" (45% -> 45) or "fraction" (45% -> 0.45); None refuses it.
    percent: str | None = None
    money: bool = False  # in the snapshot's currency unit
    vocabulary: str | None = None  # the ENUM_VALUES entry of an enum, when it is not the column's name

    @property
    def enum_key(self) -> str:
        """Which `ENUM_VALUES` entry spells this enum column's values."""
        return self.vocabulary or self.name

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {self.type!r} for {self.name}")


@dataclass(frozen=True)
class Reference:
    """`column` of this kind must name a `target_column` value present in the `target` kind."""

    column: str
    target: str
    target_column: str
    code: str  # problem code when a value is unknown


@dataclass(frozen=True)
class Kind:
    """One file kind: its table, columns, unique key and references to other kinds."""

    name: str  # also the database table
    zh: str  # Chinese name, used to recognise file names like 项目.csv
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # no two rows may share these values
    references: tuple[Reference, ...] = ()

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


# Enum values: canonical -> accepted spellings (compared after `normalise_token`). The statuses are the
# product's (`analytics.vocabulary.STATUSES`, in its order); a status without spellings here is a KeyError.
_STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "proposed": ("提议", "已提议", "拟议", "proposal"),
    "approved": ("已批准", "批准", "已审批"),
    "active": ("进行中", "执行中", "在建", "in_progress"),
    "on_hold": ("暂停", "已暂停", "挂起", "onhold", "hold", "paused"),
    "completed": ("已完成", "完成", "已结项", "done", "closed", "complete"),
    "cancelled": ("已取消", "取消", "canceled"),
}
STATUS_VALUES: dict[str, tuple[str, ...]] = {status: _STATUS_SPELLINGS[status] for status in STATUSES}
RAG_VALUES: dict[str, tuple[str, ...]] = {
    "green": ("绿", "绿色", "g"),
    "amber": ("黄", "黄色", "琥珀", "yellow", "a", "y"),
    "red": ("红", "红色", "r"),
}
BOOL_VALUES: dict[str, bool] = {
    "yes": True, "y": True, "true": True, "t": True, "1": True, "是": True, "强制": True,
    "no": False, "n": False, "false": False, "f": False, "0": False, "否": False, "非强制": False,
}
SCORE_WORDS: dict[str, float] = {
    "无": 0.0, "低": 1.0, "中": 2.0, "高": 4.0, "极高": 5.0,
    "none": 0.0, "low": 1.0, "medium": 2.0, "high": 4.0, "very_high": 5.0,
}
# The PMO scorecard's metrics (targets, 年度目标) and a change request's states (变更申请).
_METRIC_SPELLINGS: dict[str, tuple[str, ...]] = {
    "project_success_rate": ("项目成功率", "成功率", "success_rate"),
    "on_time_rate": ("按期完成率", "按时完成率", "准时率", "on_time"),
    "on_budget_rate": ("预算内完成率", "预算达成率", "on_budget"),
    "benefits_realisation_rate": ("收益实现率", "效益实现率", "benefits_realization_rate", "benefit_realisation_rate"),
}
METRIC_VALUES: dict[str, tuple[str, ...]] = {metric: _METRIC_SPELLINGS[metric] for metric in SCORECARD_METRICS}
_CHANGE_STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "submitted": ("已提交", "提交", "待审批", "raised", "open"),
    "approved": ("已批准", "批准", "通过", "已通过"),
    "rejected": ("已驳回", "驳回", "拒绝", "已拒绝"),
    "withdrawn": ("已撤回", "撤回", "撤销"),
}
CHANGE_STATUS_VALUES: dict[str, tuple[str, ...]] = {s: _CHANGE_STATUS_SPELLINGS[s] for s in CHANGE_STATUSES}
ENUM_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "status": STATUS_VALUES, "rag": RAG_VALUES, "metric": METRIC_VALUES, "change_status": CHANGE_STATUS_VALUES,
}

_C = Column
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "projects",
            "项目",
            (
                _C("project_id", "项目编号", "id", required=True),
                _C("name", "项目名称", "text", required=True),
                _C("category", "项目类别", "text"),
                _C("department", "部门", "text"),
                _C("sponsor", "发起人", "text"),
                _C("manager", "项目经理", "text"),
                _C("status", "状态", "enum", required=True, allowed=tuple(STATUS_VALUES)),
                _C("start_month", "开始月份", "month", required=True),
                _C("latest_start_month", "最晚开始月份", "month"),
                _C("duration_months", "工期（月）", "int", required=True, minimum=1, maximum=600),
                _C("budget", "预算", "number", required=True, minimum=0, money=True),
                _C("expected_benefit", "预期收益", "number", minimum=0, money=True),
                _C("risk_score", "风险评分", "number", minimum=1, maximum=5),
                _C("mandatory", "是否强制", "bool"),
                _C("depends_on", "前置项目", "list"),
                _C("exclusive_group", "互斥组", "text"),
                # Optional three-point estimates (issue 19): the columns above are the most likely values.
                _C("budget_low", "预算下限", "number", minimum=0, money=True),
                _C("budget_high", "预算上限", "number", minimum=0, money=True),
                _C("benefit_low", "收益下限", "number", minimum=0, money=True),
                _C("benefit_high", "收益上限", "number", minimum=0, money=True),
                _C("duration_low", "最短工期（月）", "int", minimum=1, maximum=600),
                _C("duration_high", "最长工期（月）", "int", minimum=1, maximum=600),
            ),
            key=("project_id",),
        ),
        Kind(
            "objectives",
            "战略目标",
            (
                _C("objective_id", "目标编号", "id", required=True),
                _C("name", "目标名称", "text", required=True),
                _C("weight", "权重", "number", minimum=0, percent="fraction"),
            ),
            key=("objective_id",),
        ),
        Kind(
            "project_scores",
            "项目评分",
            (
                _C("project_id", "项目编号", "id", required=True),
                _C("objective_id", "目标编号", "id", required=True),
                _C("score", "评分", "score", required=True, minimum=0, maximum=5),
            ),
            key=("project_id", "objective_id"),
            references=(
                Reference("project_id", "projects", "project_id", "unknown_project"),
                Reference("objective_id", "objectives", "objective_id", "unknown_objective"),
            ),
        ),
        Kind(
            "capacity",
            "资源产能",
            (
                _C("role", "角色", "id", required=True),
                _C("month", "月份", "month", required=True),
                _C("capacity_fte", "可用人力", "number", required=True, minimum=0),
                _C("hire_cost_per_fte_month", "外包单价", "number", minimum=0, money=True),
            ),
            key=("role", "month"),
        ),
        Kind(
            "demand",
            "资源需求",
            (
                _C("project_id", "项目编号", "id", required=True),
                _C("role", "角色", "id", required=True),
                _C("month_offset", "相对月份", "int", required=True, minimum=0, maximum=600),
                _C("fte", "人力需求", "number", required=True, minimum=0),
            ),
            key=("project_id", "role", "month_offset"),
            references=(Reference("project_id", "projects", "project_id", "unknown_project"),),
        ),
        Kind(
            "status_reports",
            "状态报告",
            (
                _C("project_id", "项目编号", "id", required=True),
                _C("report_date", "报告日期", "date", required=True),
                _C("planned_value", "计划价值", "number", required=True, minimum=0, money=True),
                _C("earned_value", "挣值", "number", required=True, minimum=0, money=True),
                _C("actual_cost", "实际成本", "number", required=True, minimum=0, money=True),
                _C("percent_complete", "完成百分比", "number", minimum=0, maximum=100, percent="points"),
                _C("rag", "状态灯", "enum", allowed=tuple(RAG_VALUES)),
                _C("forecast_finish", "预计完成日期", "date"),
                _C("open_risks", "未关闭风险数", "int", minimum=0),
                _C("open_issues", "未关闭问题数", "int", minimum=0),
                _C("milestones_due", "到期里程碑数", "int", minimum=0),
                _C("milestones_met", "按期完成里程碑数", "int", minimum=0),
                _C("benefit_realized", "已实现收益", "number", minimum=0, money=True),
            ),
            key=("project_id", "report_date"),
            references=(Reference("project_id", "projects", "project_id", "unknown_project"),),
        ),
        Kind(
            "maturity",
            "成熟度评估",
            (
                _C("area", "过程域", "text", required=True),
                _C("practice", "实践", "text", required=True),
                _C("level", "成熟度等级", "int", required=True, minimum=1, maximum=5),
                _C("score", "得分", "number", required=True, minimum=0, maximum=100, percent="points"),
                _C("target_level", "目标等级", "int", minimum=1, maximum=5),
            ),
            key=("area", "practice"),
        ),
        Kind(
            "process_kpis",
            "流程指标",
            (
                _C("process", "流程", "text", required=True),
                _C("month", "月份", "month", required=True),
                _C("cycle_time_days", "周期（天）", "number", minimum=0),
                _C("unit_cost", "单位成本", "number", minimum=0, money=True),
                _C("error_rate", "差错率", "number", minimum=0, maximum=1, percent="fraction"),
                _C("volume", "业务量", "number", minimum=0),
            ),
            key=("process", "month"),
        ),
        # Optional: how a project's budget falls over its months. Month k of a project spends
        # budget x planned_spend_k / sum(planned_spend); the budget stays the one total, so the
        # profile may be typed as amounts or as percentages (see docs/optimiser.md, "Spend").
        Kind(
            "spend_profile",
            "支出计划",
            (
                _C("project_id", "项目编号", "id", required=True),
                _C("month_offset", "相对月份", "int", required=True, minimum=0, maximum=600),
                _C("planned_spend", "月度支出", "number", required=True, minimum=0, percent="points", money=True),
            ),
            key=("project_id", "month_offset"),
            references=(Reference("project_id", "projects", "project_id", "unknown_project"),),
        ),
        # Optional (issue 19): a project's cash flows by month for its business case (docs/business-cases.md).
        Kind(
            "cash_flows",
            "现金流",
            (
                _C("project_id", "项目编号", "id", required=True),
                _C("month_offset", "相对月份", "int", required=True, minimum=0, maximum=600),
                _C("cost", "现金流出", "number", required=True, minimum=0, money=True),
                _C("benefit", "现金流入", "number", required=True, minimum=0, money=True),
            ),
            key=("project_id", "month_offset"),
            references=(Reference("project_id", "projects", "project_id", "unknown_project"),),
        ),
        # Optional (issue 19): lessons learned from projects; tags separated by ; or ,
        Kind(
            "lessons",
            "经验教训",
            (
                _C("project_id", "项目编号", "id", required=True),
                _C("recorded_on", "记录日期", "date", required=True),
                _C("category", "类别", "text"),
                _C("lesson", "经验教训", "text", required=True),
                _C("tags", "标签", "text"),
            ),
            key=("project_id", "recorded_on", "lesson"),
            references=(Reference("project_id", "projects", "project_id", "unknown_project"),),
        ),
        # Optional: the PMO's annual SMART targets, one per year and scorecard metric (docs/governance.md).
        Kind(
            "targets",
            "年度目标",
            (
                _C("year", "年度", "int", required=True, minimum=1900, maximum=2999),
                _C("metric", "指标", "enum", required=True, allowed=tuple(METRIC_VALUES)),
                _C("target", "目标值", "number", required=True, minimum=0, maximum=1, percent="fraction"),
            ),
            key=("year", "metric"),
        ),
        # Optional: change requests (变更申请) from the change control board's register (docs/governance.md).
        Kind(
            "change_requests",
            "变更申请",
            (
                _C("cr_id", "变更编号", "id", required=True),
                _C("project_id", "项目编号", "id", required=True),
                _C("raised_on", "提出日期", "date", required=True),
                _C("title", "变更标题", "text", required=True),
                _C("budget_delta", "预算变化", "number", money=True),
                _C("schedule_delta_months", "工期变化（月）", "int", minimum=-600, maximum=600),
                _C("scope_change", "范围变化", "text"),
                _C("status", "状态", "enum", required=True, allowed=tuple(CHANGE_STATUS_VALUES),
                   vocabulary="change_status"),
                _C("decided_on", "决定日期", "date"),
                _C("decided_by", "决定人", "text"),
            ),
            key=("cr_id",),
            references=(Reference("project_id", "projects", "project_id", "unknown_project"),),
        ),
    )
}
KIND_ORDER: tuple[str, ...] = tuple(KINDS)

# Extra spellings of kinds in file names (after normalise_header), besides name and zh.
_KIND_FILE_ALIASES: dict[str, tuple[str, ...]] = {
    "projects": ("project", "项目清单", "项目列表"),
    "objectives": ("objective", "目标", "战略"),
    "project_scores": ("scores", "score", "评分", "项目打分"),
    "capacity": ("产能", "人力产能", "资源"),
    "demand": ("需求", "人力需求"),
    "status_reports": ("status", "status_report", "状态", "周报", "月报"),
    "maturity": ("成熟度", "maturity_assessment"),
    "process_kpis": ("kpis", "kpi", "process_kpi", "流程kpi"),
    "spend_profile": ("spend_profiles", "spending_profile", "spend_plan", "月度支出", "月度支出计划", "用款计划",
                      "资金计划"),
    "cash_flows": ("cash_flow", "cashflows", "现金流量", "现金流计划"),
    "lessons": ("lesson", "lessons_learned", "经验", "教训", "经验总结"),
    "targets": ("target", "annual_targets", "smart_targets", "目标值", "年度指标", "绩效目标"),
    "change_requests": ("change_request", "changes", "crs", "变更", "变更单", "变更请求", "变更登记"),
}

_SEPARATORS = re.compile(r"[\s_\-./·]+")


def normalise_header(text: str) -> str:
    """Header spelling without case, width, spacing, underscores or brackets: 'Project ID' -> 'projectid'."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    folded = folded.replace("(", "").replace(")", "").replace("[", "").replace("]", "")
    return _SEPARATORS.sub("", folded)


def normalise_token(text: str) -> str:
    """Enum/bool spelling without case, width or spacing: 'On Hold' -> 'on_hold'."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s\-]+", "_", folded)


def _build_header_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {}
    for kind in KINDS.values():
        for col in kind.columns:
            for spelling in (col.name, col.zh):
                index.setdefault(normalise_header(spelling), {})[kind.name] = col.name
    return index


# normalised header -> {kind: canonical column}
HEADER_INDEX: dict[str, dict[str, str]] = _build_header_index()


def header_candidates(header: str) -> list[str]:
    """Normalised spellings to try for one header: whole, and both parts of '预算 (budget)'."""
    found = [normalise_header(header)]
    match = re.match(r"^(.*?)[(（\[【](.*?)[)）\]】]\s*$", header.strip())
    if match:
        found += [normalise_header(match.group(1)), normalise_header(match.group(2))]
    return [c for c in found if c]


def kind_from_file_name(file_name: str) -> str | None:
    """The kind a file name suggests (projects.csv, 项目.csv, 2026-03_status_reports.csv), if any."""
    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    norm = normalise_header(stem)
    best: tuple[int, str] | None = None
    for kind in KINDS.values():
        for spelling in (kind.name, kind.zh, *_KIND_FILE_ALIASES[kind.name]):
            token = normalise_header(spelling)
            if token and (norm == token or norm.endswith(token)) and (best is None or len(token) > best[0]):
                best = (len(token), kind.name)
    return None if best is None else best[1]


def enum_lookup(column: str) -> dict[str, str]:
    """Normalised spelling -> canonical value for the enum column `column` (status, rag)."""
    lookup: dict[str, str] = {}
    for canonical, aliases in ENUM_VALUES[column].items():
        for spelling in (canonical, *aliases):
            lookup[normalise_token(spelling)] = canonical
    return lookup


def header_of(column: Column, lang: str) -> str:
    return column.zh if lang == "zh" else column.name


def template_csv(kind: str, lang: str) -> bytes:
    """A blank template: the header row in English or Chinese, UTF-8 with BOM so Excel reads Chinese."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([header_of(c, lang) for c in KINDS[kind].columns])
    return buffer.getvalue().encode("utf-8-sig")


def template_file_name(kind: str, lang: str) -> str:
    return f"{KINDS[kind].zh}.csv" if lang == "zh" else f"{kind}.csv"


def templates_zip(lang: str) -> bytes:
    """Every blank template of one language in a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in KIND_ORDER:
            archive.writestr(template_file_name(kind, lang), template_csv(kind, lang))
    return buffer.getvalue()


# --- descriptions for people (the Data page's column table and docs/data-contract.md) ---------------------


def column_rule(column: Column, lang: str) -> str:
    """What a column accepts, in words: allowed values, range, formats, percent reading, units."""
    from i18n import translate

    parts: list[str] = []
    if column.type == "enum":
        lookup = ENUM_VALUES[column.enum_key]
        parts.append(" / ".join(f"{value} ({lookup[value][0]})" for value in column.allowed))
    elif column.type == "score":
        parts.append(translate(lang, "data.rule.score_words"))
    elif column.type in ("month", "date", "bool", "list"):
        parts.append(translate(lang, f"data.rule.{column.type}"))
    if column.type != "score" and column.minimum is not None:
        if column.maximum is not None:
            parts.append(translate(lang, "data.rule.range", minimum=f"{column.minimum:g}", maximum=f"{column.maximum:g}"))
        else:
            parts.append(translate(lang, "data.rule.minimum", minimum=f"{column.minimum:g}"))
    if column.percent is not None:
        parts.append(translate(lang, f"data.rule.percent_{column.percent}"))
    if column.money:
        parts.append(translate(lang, "data.rule.money"))
    return ("；" if lang == "zh" else "; ").join(parts)


def contract_markdown() -> str:
    """docs/data-contract.md, generated from KINDS so the document cannot drift from the code."""
    from i18n import translate

    lines = [
        "# Data contract · 数据契约",
        "",
        "<!-- Generated from store/contract.py by `python -m store.contract > docs/data-contract.md`;"
        " tests/test_contract.py checks it is current. -->",
        "",
        f"A snapshot is one or more files, at most one of each of the {len(KINDS)} kinds below: CSV files uploaded one",
        "by one, several at once or as a `.zip`, or an Excel workbook with a sheet per kind. Each file's",
        "kind is recognised from its headers: the English name or the Chinese header,",
        "in any case, with any spacing, in any order. Money columns are in the snapshot's currency unit",
        "(default 万元). An import is all-or-nothing: every problem is listed (file, row as the spreadsheet",
        "shows it, column, value, what was expected) and nothing is written while any error remains",
        "(unless a partial import is chosen on purpose: [import.md](import.md)).",
        "Warnings (suspicious but usable, e.g. an open project without demand rows) do not block.",
        "",
        f"一个数据快照由一个或多个文件组成，下列 {len(KINDS)} 类文件每类至多一个：CSV 文件可逐个上传、一次上传多个或打包为",
        "`.zip`，也可以是每类一个工作表的 Excel 工作簿。系统根据表头识别",
        "文件类型：英文列名或中文表头均可，大小写、空格和列顺序不限。金额列使用快照的货币单位（默认万元）。导入要么",
        "全部成功，要么完全不写入：所有问题（文件、表格中的行号、列、值、期望的格式）会一次列出，只要还有错误就不会写入",
        "（有意选择部分导入时除外，见 import.md）。",
        "警告（可疑但可用，例如未结束的项目没有人力需求行）不会阻止导入。",
        "",
        "Reading rules · 读取规则: UTF-8, UTF-8 with BOM, GBK/GB18030; separators `,` `;` tab; `1,200` `1，200`",
        "and full-width digits; `45%` where a column allows it; dates `2026-03-01` `2026/3/1` `2026年3月1日`;",
        "months `2026-03` `2026/3` `2026年3月`; spaces around values are ignored.",
        "Excel workbooks (`.xlsx`, `.xlsm`) are read too, one sheet per kind; more date forms (timestamps,",
        "`24-Jan-2005`, `01/03/2026` with a chosen day/month order), title rows above the header and units in",
        "headers: see [import.md](import.md). 也可导入 Excel 工作簿（每个工作表一类文件），详见 import.md。",
        "",
    ]
    for kind in KINDS.values():
        en, zh = translate("en", f"data.kind.{kind.name}"), translate("zh", f"data.kind.{kind.name}")
        lines += [f"## {kind.name} · {en} · {zh}", ""]
        key = ", ".join(f"`{c}`" for c in kind.key)
        lines.append(f"Unique key · 唯一键: {key}")
        for ref in kind.references:
            lines.append(f"- `{ref.column}` must exist in `{ref.target}.{ref.target_column}` · 必须存在于 `{ref.target}` 文件")
        lines += ["", "| column | 中文表头 | type · 类型 | required · 必填 | accepts | 取值要求 |", "| --- | --- | --- | --- | --- | --- |"]
        for col in kind.columns:
            kind_type = f"{translate('en', f'data.type.{col.type}')} · {translate('zh', f'data.type.{col.type}')}"
            required = "**yes · 是**" if col.required else "no · 否"
            name = f"**{col.name}**" if col.required else col.name
            lines.append(f"| {name} | {col.zh} | {kind_type} | {required} | {column_rule(col, 'en')} | {column_rule(col, 'zh')} |")
        lines.append("")
    lines += _spend_profile_notes()
    lines += _cross_checks_notes()
    return "\n".join(lines).rstrip() + "\n"


def _spend_profile_notes() -> list[str]:
    return [
        "## Spend profile rule · 支出计划规则",
        "",
        "`spend_profile` is optional. Without it, a project's budget is spread evenly over its",
        "`duration_months`. With it, the project spends in its k-th month (k = `month_offset`, 0-based from",
        "its start, as in `demand`) budget × `planned_spend`ₖ / Σ `planned_spend`: the budget stays the one",
        "total and the profile only says how it falls over the months, so it may be typed as amounts",
        "(e.g. `1,200`) or as percentages (`40%`, read as 40). Months missing from a profiled project's",
        "rows spend nothing.",
        "",
        "支出计划为可选文件。没有它时，项目预算按工期（月）平均分摊；有它时，项目第 k 个月（k 即相对月份，从项目开始",
        "月份起算，0 表示第一个月，与资源需求相同）的支出为 预算 × 该月计划支出 ÷ 全部计划支出之和。预算仍是唯一的",
        "总额，支出计划只决定它在各月的分布，因此既可以填写金额（如 `1,200`），也可以填写百分比（`40%` 读作 40）。",
        "已填写支出计划的项目，未列出的月份支出为 0。",
        "",
    ]


def _cross_checks_notes() -> list[str]:
    return [
        "## Checks across rows and files · 跨行与跨文件校验",
        "",
        "Errors · 错误: duplicate keys (e.g. the same project id twice, capacity for the same role and month",
        "twice); scores, demand, status reports and spend profiles naming a project or objective that is not in",
        "the import (the projects / objectives file must be imported with them); `depends_on` naming an unknown",
        "project or the project itself; dependency cycles; `latest_start_month` before `start_month`; a spend",
        "profile month at or after the project's duration; a spend profile of only zeros for a project whose",
        "budget is above 0.",
        "",
        "Warnings · 警告: an open project (proposed, approved, active, on hold) without demand rows or without",
        "scores; an objective nobody scored; demand after a project's last month; demand for a role without",
        "capacity; more milestones met than due; a status report dated after the as-of date; objectives",
        "with missing or all-zero weights; a spend profile whose total differs from the project's budget by",
        "more than 0.5 % (it is then used as shares of the budget).",
        "",
        "As-of date · 截止日期: given on import, else the latest `report_date`, else the last day of the latest",
        "process-KPI month, else today.",
    ]


if __name__ == "__main__":
    print(contract_markdown(), end="")
