"""Seeded generator of realistic Lodestar portfolios, and the writer of the sample bundle.

What it makes
-------------
One "truth" timeline of a PMO's portfolio, observed at month ends as snapshots. Projects enter the
pipeline as proposals, get approved, start, slip, pause, grow in scope and finish; new proposals
appear; a few are cancelled. Each snapshot holds every table of the import contract (the nine of a
portfolio export and the PMO's four registers) as they stood at its as-of date, so trends (CPI/SPI, forecast slip, scope creep, maturity) show
across snapshots, and history is consistent: a status report dated in March is the same row in
every snapshot that contains it.

    from data.generate import generate, write_bundle
    snapshots = generate(projects=60, months=6, seed=7)      # list[GeneratedSnapshot]
    write_bundle(snapshots, "data/sample")                   # DIR/<NN>_<YYYY-MM>/*.csv + snapshot.json

    python -m data.generate --out data/sample                # the bundled sample (defaults below)
    python -m data.generate --projects 200 --months 12 --seed 3 --snapshots 2 --plain --out /tmp/x

`months` is the length of the observed window (the last month is `--end`, default 2026-10); one
snapshot per month end at the end of the window (`--snapshots`, default min(months, 6)). Status
reports of a project cover its whole delivery, which may begin before the window.

Conventions of the generated data
---------------------------------
- Money is in 万元. A budget is the planned labour (demand FTE-months x the role's internal rate)
  plus a non-labour share; scope creep multiplies a few budgets mid-window.
- Status reports are monthly, dated at month end, cumulative EVM: PV follows an S-curve over the
  planned duration, EV the project's actual pace (a fifth of projects slip: SPI/CPI below 0.9,
  worsening, and a drop in pace around the window that pushes their forecast out), AC = EV / CPI. `milestones_due` / `milestones_met` count the milestones that fell due in
  that reporting month and those met on time. `benefit_realized` is set on the completion report
  only (benefit measured at hand-over). `forecast_finish` extrapolates the pace so far.
- `error_rate` is a fraction (0.035 = 3.5 %); `unit_cost` is 万元 per case.
- Spend profiles (`spend_profile`, optional in the contract) for a handful of projects that do not
  spend evenly: most open infrastructure projects buy hardware up front (30-50 % of the budget in
  their first month, the rest evenly), and some digital and customer-experience proposals roll out
  in waves that grow towards go-live (the last month 2.5-4 times the first). Amounts are in 万元 and
  add up to the budget of each snapshot (scope creep rescales them); everyone else spends evenly.
- The PMO's registers (`REGISTERS`), small and drawn from a random stream of their own: business-case
  `cash_flows` for up to 8 open cases (both alternatives of each exclusive group first): the budget over
  the project's months, then a running cost and 36 months of benefit ramping up over 6; a close-out
  `lessons` entry (a third two) for every completed or cancelled project, in Chinese with its English;
  `targets` for the last three years, rising; 7 `change_requests` on projects in delivery, raised over
  the window (approved, rejected, withdrawn, the newest still submitted), each as it stood at the as-of date.
- Two processes (立项审批 from 8 months before the end, 需求变更审批 from 4 months before) improve
  after a process change (a PDCA step); the other processes are stationary noise.
- Capacity is a steady in-house headcount per role plus contractors (外包, priced by
  `hire_cost_per_fte_month`) engaged for committed work: active, approved and mandatory work always
  fits from each as-of month on, but over the next 24 months the spare capacity holds only about
  half of the open proposals' FTE-months, so the optimiser must choose. Before the window there is
  a small crunch (developers and testers at ~110 %) to see on the Resources page.

The sample bundle is written with an encoding mix (`FileStyle`): the first snapshot is plain UTF-8
with English headers, later ones mix Chinese headers in GB18030, UTF-8 with BOM, `2026年3月31日` and
`2026/3/31` dates, quoted `1,200` and full-width `1，200` numbers, `45.5%` and `3.5%` percentages,
Chinese status/RAG/score/yes-no words, tab and semicolon separators, CRLF line ends. Every value stays valid under the import contract.
`--plain` writes UTF-8, English headers, ISO dates and bare numbers (for benchmarks).

Benchmark files (10,000 projects, 1,000,000 status rows)
-------------------------------------------------------
    python -m data.generate --projects 10000 --months 100 --snapshots 1 --all-reporting \
        --plain --tables projects,status_reports --out /tmp/lodestar-bench

`--all-reporting` gives the benchmark shape: every project is in delivery for the whole window
(active, a tenth on hold), so status_reports has exactly projects x months rows. On the two-core
build machine this takes about 3 s to generate and 12 s to write (76 MB), 0.6 GB peak memory.
Drop `--tables` to build every table (demand then has about nine million rows and memory
peaks near 1.4 GB). Without `--all-reporting` the same sizes give a realistic lifecycle mix with
far fewer status rows (about 100,000 for 10,000 projects over 24 months).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput
from analytics.months import first_day, month_index
from analytics.vocabulary import CLOSED_STATUSES, COMMITTED_STATUSES
from store.contract import CHANGE_STATUS_VALUES, METRIC_VALUES
from store.snapshots import DATA_TABLES

DEFAULT_END_MONTH = "2026-10"
CURRENCY_UNIT = "万元"
NEVER = 10**6  # a month index meaning "never" (no approval, hold or cancellation)
# The import contract's tables this generator writes, in writing order: the portfolio export's nine, then
# the PMO's own registers (cash flows and lessons of issue 19, annual targets and change requests of issue 20),
# small and built from a random stream of their own, so adding them left the other tables unchanged.
REGISTERS: tuple[str, ...] = ("cash_flows", "lessons", "targets", "change_requests")
TABLES: tuple[str, ...] = tuple(DATA_TABLES)

# ---------------------------------------------------------------------------------------------
# Reference data: the organisation the portfolio belongs to
# ---------------------------------------------------------------------------------------------

CATEGORIES: tuple[str, ...] = ("数字化转型", "合规", "降本增效", "客户体验", "基础设施", "研发创新")
DIGITAL, COMPLIANCE, COST, CX, INFRA, RND = range(6)
CATEGORY_SHARES = (0.22, 0.12, 0.18, 0.20, 0.14, 0.14)

DEPARTMENTS: tuple[tuple[str, ...], ...] = (
    ("信息技术部", "数字化办公室", "运营管理部"),
    ("风险合规部", "法务部", "信息技术部"),
    ("财务部", "运营管理部", "采购部"),
    ("客户服务部", "市场营销部", "数字化办公室"),
    ("信息技术部", "基础架构部"),
    ("研发中心", "市场营销部", "数字化办公室"),
)
SPONSORS = ("王建国", "李静", "陈晓东", "刘洋", "赵敏", "周海涛", "孙丽华", "黄志强")
MANAGERS = (
    "张伟", "王芳", "李娜", "刘强", "陈杰", "杨磊", "赵婷", "黄勇", "周静", "吴斌", "徐明", "孙悦", "马超", "朱琳",
)

# Bilingual project names per category: 中文名 + a short English name.
NAME_POOL: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        ("数据中台建设", "Data Middle Platform"), ("主数据管理平台", "Master Data Management"),
        ("电子签章系统", "E-Signature System"), ("移动办公门户", "Mobile Workplace Portal"),
        ("业务流程自动化", "Robotic Process Automation"), ("经营分析驾驶舱", "Management Cockpit"),
        ("供应链协同平台", "Supply Chain Collaboration"), ("数字化档案管理", "Digital Records Management"),
        ("低代码开发平台", "Low-Code Platform"), ("智能报表中心", "Smart Reporting Hub"),
        ("物联网设备接入", "IoT Device Gateway"), ("线上采购商城", "E-Procurement Mall"),
    ),
    (
        ("数据安全法合规整改", "Data Security Law Remediation"), ("个人信息保护合规", "PIPL Compliance"),
        ("反洗钱监测系统升级", "AML Monitoring Upgrade"), ("等保三级测评整改", "MLPS Level 3 Remediation"),
        ("内控合规管理系统", "Internal Control System"), ("监管报送自动化", "Regulatory Reporting Automation"),
        ("信创适配改造", "Domestic IT Stack Migration"), ("审计追踪平台", "Audit Trail Platform"),
        ("合同合规审查", "Contract Compliance Review"), ("全面数字化电子发票", "Fully Digital e-Invoicing"),
        ("关键信息基础设施保护", "Critical Infrastructure Protection"),
    ),
    (
        ("财务共享中心", "Finance Shared Services"), ("智能排班系统", "Smart Workforce Scheduling"),
        ("云资源成本优化", "Cloud Cost Optimisation"), ("采购寻源优化", "Strategic Sourcing"),
        ("费用报销自动化", "Expense Automation"), ("仓储管理系统升级", "Warehouse Management Upgrade"),
        ("能耗监测平台", "Energy Monitoring Platform"), ("应用系统整合", "Application Rationalisation"),
        ("智能对账", "Automated Reconciliation"), ("运维自动化平台", "IT Operations Automation"),
        ("全面预算管理系统", "Budgeting System"),
    ),
    (
        ("智能客服平台", "Smart Service Desk"), ("会员积分体系重构", "Loyalty Programme Rebuild"),
        ("客户之声分析", "Voice of Customer Analytics"), ("官网与小程序改版", "Website and Mini-Program Redesign"),
        ("全渠道订单中心", "Omnichannel Order Hub"), ("客户旅程优化", "Customer Journey Optimisation"),
        ("投诉闭环管理", "Complaint Resolution Loop"), ("个性化推荐引擎", "Personalised Recommendations"),
        ("客户360视图", "Customer 360 View"), ("自助服务门户", "Self-Service Portal"),
        ("呼叫中心云化", "Cloud Contact Centre"),
    ),
    (
        ("数据中心迁移上云", "Data Centre Cloud Migration"), ("灾备中心建设", "Disaster Recovery Site"),
        ("零信任网络改造", "Zero Trust Network"), ("容器平台建设", "Container Platform"),
        ("统一身份认证", "Single Sign-On and IAM"), ("办公网络升级", "Office Network Upgrade"),
        ("数据库国产化替换", "Database Localisation"), ("日志与监控平台", "Logging and Monitoring Platform"),
        ("存储扩容", "Storage Expansion"), ("终端安全管理", "Endpoint Security Management"),
        ("混合云管理平台", "Hybrid Cloud Management"),
    ),
    (
        ("大模型知识助手", "LLM Knowledge Assistant"), ("视觉智能质检", "Visual Quality Inspection"),
        ("数字孪生工厂", "Digital Twin Factory"), ("需求预测模型", "Demand Forecasting Model"),
        ("区块链溯源", "Blockchain Traceability"), ("智能定价引擎", "Dynamic Pricing Engine"),
        ("语音质检分析", "Speech Analytics QA"), ("新产品孵化平台", "Product Incubation Platform"),
        ("边缘计算试点", "Edge Computing Pilot"), ("企业知识图谱", "Enterprise Knowledge Graph"),
        ("AIGC营销内容", "Generative Marketing Content"),
    ),
)
# Suffixes that keep names unique once a category's pool is used up (large portfolios).
REGIONS: tuple[tuple[str, str], ...] = (
    ("华东", "East"), ("华南", "South"), ("华北", "North"), ("西南", "Southwest"), ("海外", "Overseas"),
)

# Strategic objectives: id, bilingual name, weight (sums to 1).
OBJECTIVES: tuple[tuple[str, str, float], ...] = (
    ("OBJ1", "数字化转型 Digital transformation", 0.25),
    ("OBJ2", "客户体验 Customer experience", 0.20),
    ("OBJ3", "降本增效 Cost efficiency", 0.20),
    ("OBJ4", "合规与风控 Compliance and risk", 0.15),
    ("OBJ5", "创新增长 Innovation and growth", 0.12),
    ("OBJ6", "组织能力 Organisational capability", 0.08),
)
# Mean 0-5 score of a project of each category (rows) on each objective (columns).
SCORE_MEANS = np.array(
    [
        [4.5, 2.5, 3.0, 1.0, 2.5, 2.5],
        [1.5, 1.0, 1.0, 5.0, 0.5, 2.0],
        [2.5, 1.5, 4.5, 1.0, 1.0, 2.0],
        [3.0, 4.5, 1.5, 1.0, 3.0, 1.0],
        [3.0, 1.0, 3.0, 3.0, 1.0, 2.0],
        [3.5, 2.5, 2.0, 0.5, 4.5, 3.0],
    ]
)
MISSING_SCORE_SHARE = 0.07


@dataclass(frozen=True)
class Role:
    """A role of the delivery organisation and how its demand is shaped over a project's life."""

    name: str
    internal_rate: float  # 万元 per FTE-month: what the role costs a project's budget
    hire_cost: float  # 万元 per FTE-month for a contractor (capacity's hire_cost_per_fte_month)
    phase_centre: float  # where in the project's life (0-1) the role's demand peaks
    phase_width: float  # spread of that peak (large = flat over the project)


ROLES: tuple[Role, ...] = (
    Role("项目经理", 3.2, 4.2, 0.5, 10.0),
    Role("产品经理", 3.5, 4.6, 0.25, 0.35),
    Role("架构师", 4.5, 6.0, 0.2, 0.25),
    Role("开发工程师", 2.8, 3.6, 0.5, 0.3),
    Role("测试工程师", 2.2, 2.9, 0.72, 0.22),
    Role("数据分析师", 3.0, 4.0, 0.45, 0.35),
    Role("UI设计师", 2.5, 3.3, 0.3, 0.2),
    Role("运维工程师", 2.6, 3.4, 0.85, 0.25),
    Role("安全工程师", 4.0, 5.4, 0.6, 0.35),
)
# Peak FTE per role (columns in ROLES order) of a size-1 project of each category (rows).
ROLE_MIX = np.array(
    [
        [1.0, 1.0, 0.8, 5.0, 2.0, 1.5, 1.0, 0.8, 0.3],
        [0.8, 0.5, 0.5, 3.0, 1.5, 0.5, 0.0, 0.5, 1.5],
        [0.8, 0.8, 0.5, 4.0, 1.5, 1.5, 0.5, 0.5, 0.2],
        [1.0, 1.5, 0.6, 5.0, 2.0, 1.0, 2.0, 0.6, 0.3],
        [1.0, 0.0, 1.2, 1.5, 1.0, 0.0, 0.0, 4.0, 1.2],
        [0.8, 1.0, 1.0, 4.0, 1.0, 3.0, 0.5, 0.5, 0.2],
    ]
)
NON_LABOUR_SHARE = ((0.2, 0.6), (0.2, 0.5), (0.15, 0.5), (0.2, 0.6), (0.6, 1.6), (0.2, 0.8))
BENEFIT_RATIO = ((1.1, 2.4), (0.1, 0.5), (1.6, 3.4), (1.0, 2.6), (0.4, 1.3), (0.2, 4.0))
RISK_BASE = (3.0, 2.0, 2.0, 2.5, 3.0, 4.0)

# PMO maturity self-assessment: area -> (practice, level) pairs; the staged rule of issue 5 applies.
MATURITY_PRACTICES: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("立项", (("立项有书面申请", 1), ("立项申请使用统一模板", 2), ("商业论证经评审", 2),
              ("组合准入标准统一执行", 3), ("立项决策采用量化评分", 4), ("立项标准依据后评价持续优化", 5))),
    ("计划", (("关键项目有进度计划", 1), ("WBS与里程碑计划", 2), ("计划基线评审与冻结", 3),
              ("跨项目资源计划联动", 3), ("基于历史数据的估算", 4), ("估算模型持续校准", 5))),
    ("监控", (("定期汇报项目状态", 1), ("月度状态报告标准化", 2), ("挣值管理全面应用", 3),
              ("偏差预警阈值管理", 4), ("预测性监控与自动预警", 5))),
    ("变更", (("变更有记录", 1), ("变更申请与审批流程", 2), ("变更影响评估（范围、成本、进度）", 3),
              ("变更趋势量化分析", 4), ("变更根因预防", 5))),
    ("风险", (("识别主要风险", 1), ("风险登记册维护", 2), ("风险定量评估", 3),
              ("组合层风险汇总", 4), ("风险应对有效性度量", 5))),
    ("资源", (("项目人员有指派", 1), ("资源需求按月申报", 2), ("组合层产能规划", 3),
              ("技能矩阵与产能预测", 4), ("资源配置持续优化", 5))),
    ("收尾", (("项目有验收", 1), ("收尾检查清单", 2), ("经验教训归档", 3),
              ("收益跟踪移交运营", 4), ("收尾数据驱动流程改进", 5))),
    ("知识管理", (("文档集中存放", 1), ("项目文档模板库", 2), ("经验教训库可检索", 3),
                  ("知识复用度量", 4), ("知识社区持续运营", 5))),
    ("绩效评价", (("项目结束有评价", 1), ("项目绩效指标定义", 2), ("组合绩效仪表盘", 3),
                  ("绩效与激励挂钩", 4), ("绩效基准持续对标", 5))),
    ("人才培养", (("新任项目经理入职培训", 1), ("项目管理培训计划", 2), ("项目经理能力模型与认证", 3),
                  ("人才梯队与轮岗", 4), ("导师制与持续发展", 5))),
)
# Staged level each area holds at the start of the window, and its target level.
MATURITY_LEVEL = {"立项": 3, "计划": 2, "监控": 2, "变更": 2, "风险": 2, "资源": 1, "收尾": 2,
                  "知识管理": 1, "绩效评价": 2, "人才培养": 2}
MATURITY_TARGET = {"立项": 4, "计划": 3, "监控": 4, "变更": 3, "风险": 3, "资源": 3, "收尾": 3,
                   "知识管理": 3, "绩效评价": 3, "人才培养": 3}
# Practices being improved during the window: (start score, end score). They cross 80 and lift
# their area one level. 经验教训库可检索 is a "skipped level": strong at level 3 while level 2 lags.
MATURITY_IMPROVING = {"挣值管理全面应用": (71.0, 86.0), "变更影响评估（范围、成本、进度）": (73.0, 84.0),
                      "资源需求按月申报": (68.0, 85.0)}
MATURITY_FIXED = {"经验教训库可检索": 84.0, "项目文档模板库": 66.0}


@dataclass(frozen=True)
class Process:
    """A PMO process whose KPIs are tracked monthly; `change_before_end` marks a PDCA change."""

    name: str
    cycle_time_days: float
    unit_cost: float
    error_rate: float
    volume: float
    change_before_end: int | None = None  # months before the last month when the change took effect
    improvement: float = 0.0  # relative reduction of cycle time after the change


PROCESSES: tuple[Process, ...] = (
    Process("立项审批", 21.0, 1.8, 0.08, 6.0, 8, 0.42),
    Process("需求变更审批", 9.0, 0.4, 0.06, 25.0, 4, 0.38),
    Process("月度状态报告", 4.5, 0.15, 0.05, 40.0),
    Process("资源调配申请", 7.0, 0.2, 0.04, 18.0),
    Process("采购审批", 15.0, 0.6, 0.03, 12.0),
    Process("项目收尾验收", 20.0, 1.0, 0.07, 3.0),
)
KPI_HISTORY_MONTHS = 24

# Spend profiles: who spends unevenly, and how (see the module docstring).
FRONT_LOADED_FIRST_MONTH = (0.3, 0.5)  # share of the budget an infrastructure project spends in month 0
FRONT_LOADED_CHANCE = 0.6              # of open infrastructure projects of 4 months or more
BACK_LOADED_RAMP = (1.5, 3.0)          # a rollout's last month spends 1 + ramp times its first
BACK_LOADED_CHANCE = 0.25              # of digital and customer-experience proposals of 4 months or more

# Lifecycle archetypes of lifecycle mode and their share of the portfolio.
KINDS = ("done_before", "done_in_window", "active", "starts_in_window", "on_hold", "approved", "proposal",
         "cancelled")
KIND_SHARES = (0.08, 0.07, 0.20, 0.07, 0.05, 0.07, 0.41, 0.05)
(K_DONE_BEFORE, K_DONE_IN, K_ACTIVE, K_STARTS, K_HOLD, K_APPROVED, K_PROPOSAL, K_CANCELLED) = range(8)


@dataclass(frozen=True)
class GeneratedSnapshot:
    """One generated snapshot: label, as-of date and typed frames ready for `create_snapshot`."""

    label: str
    as_of: dt.date
    frames: Mapping[str, pd.DataFrame]
    currency_unit: str = CURRENCY_UNIT


# ---------------------------------------------------------------------------------------------
# Months as integers (year * 12 + month - 1): cheap to vectorise
# ---------------------------------------------------------------------------------------------


def month_end(index: int) -> dt.date:
    return first_day(index + 1) - dt.timedelta(days=1)


def _date_lookup(indices: np.ndarray, convert) -> np.ndarray:
    """Object array of dates for month indices, converting each distinct month once."""
    if len(indices) == 0:
        return np.array([], dtype=object)
    low, high = int(indices.min()), int(indices.max())
    table = np.array([convert(i) for i in range(low, high + 1)], dtype=object)
    return table[indices - low]


def _draw(rng: np.random.Generator, low, high, size: int) -> np.ndarray:
    """Integers in [low, high] inclusive; an empty range collapses to `low`."""
    low = np.broadcast_to(np.asarray(low, dtype=np.int64), (size,))
    high = np.maximum(np.broadcast_to(np.asarray(high, dtype=np.int64), (size,)), low)
    return rng.integers(low, high + 1, size=size)


def _largest_remainder(total: int, shares: Sequence[float]) -> np.ndarray:
    raw = np.asarray(shares) * total
    counts = np.floor(raw).astype(int)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# The truth: one timeline per project
# ---------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """Per-project arrays of the truth timeline (index = project, ordered by creation)."""

    kind: np.ndarray
    created: np.ndarray
    approved: np.ndarray
    start: np.ndarray
    duration: np.ndarray
    window: np.ndarray
    hold_from: np.ndarray
    hold_to: np.ndarray
    cancelled: np.ndarray
    pace_base: np.ndarray
    pace_drift: np.ndarray
    cpi_base: np.ndarray
    cpi_drift: np.ndarray
    trouble_from: np.ndarray  # month from which a slipping project hits trouble (NEVER if it does not)
    category: np.ndarray = field(default_factory=lambda: np.array([], dtype=int))
    size: np.ndarray = field(default_factory=lambda: np.array([]))
    mandatory: np.ndarray = field(default_factory=lambda: np.array([], dtype=bool))
    depends: list[list[int]] = field(default_factory=list)
    group: list[str | None] = field(default_factory=list)
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (build, buy) alternatives of a group

    @property
    def n(self) -> int:
        return len(self.kind)

    def reorder(self, order: np.ndarray) -> None:
        for name in ("kind", "created", "approved", "start", "duration", "window", "hold_from", "hold_to",
                     "cancelled", "pace_base", "pace_drift", "cpi_base", "cpi_drift", "trouble_from"):
            setattr(self, name, getattr(self, name)[order])


def _performance(rng: np.random.Generator, n: int, first: int, last: int) -> dict[str, np.ndarray]:
    """Delivery performance: half healthy, a quarter on watch, a fifth slipping and worsening.

    Slipping projects also hit trouble around the window (pace drops by 30 %, cost efficiency by
    0.06), so their SPI/CPI fall and their forecast finish moves out from snapshot to snapshot.
    """
    health = rng.choice(3, size=n, p=[0.5, 0.28, 0.22])
    low = np.array([0.96, 0.88, 0.72])[health]
    high = np.array([1.04, 0.95, 0.86])[health]
    cpi_low = np.array([0.97, 0.90, 0.80])[health]
    cpi_high = np.array([1.06, 0.96, 0.90])[health]
    return {
        "pace_base": rng.uniform(low, high),
        "pace_drift": np.array([0.0, -0.004, -0.012])[health] + rng.normal(0, 0.001, n),
        "cpi_base": rng.uniform(cpi_low, cpi_high),
        "cpi_drift": np.array([0.0, -0.002, -0.005])[health] + rng.normal(0, 0.0005, n),
        "trouble_from": np.where(health == 2, _draw(rng, first - 3, last - 1, n), NEVER),
    }


def _plan_lifecycle(rng: np.random.Generator, n: int, first: int, last: int) -> _Plan:
    """Archetype timelines relative to the window [first, last] (month indices)."""
    kind = np.repeat(np.arange(len(KINDS)), _largest_remainder(n, KIND_SHARES))
    rng.shuffle(kind)
    perf = _performance(rng, n, first, last)
    duration = _draw(rng, 6, 18, n)
    start = last + _draw(rng, 1, 10, n)
    approved = np.full(n, NEVER)
    hold_from, hold_to, cancelled = np.full(n, NEVER), np.full(n, NEVER), np.full(n, NEVER)
    created = np.full(n, NEVER)

    m = kind == K_DONE_BEFORE
    duration[m] = _draw(rng, 5, 14, n)[m]
    start[m] = (first - np.ceil(duration / 0.8).astype(int) - _draw(rng, 1, 15, n))[m]
    m = kind == K_DONE_IN
    finish = _draw(rng, first, last, n)
    start[m] = (finish - np.round(duration / perf["pace_base"]).astype(int) + 1)[m]
    m = kind == K_ACTIVE
    start[m] = (first - _draw(rng, 1, 14, n))[m]
    needed = np.ceil((last + 3 - start) * 1.1).astype(int)
    duration[m] = np.minimum(np.maximum(_draw(rng, 10, 24, n), needed), 36)[m]
    resumed = m & (rng.random(n) < 0.15) & (last - first >= 3)
    hold_from[resumed] = (first + _draw(rng, 0, max(last - first - 3, 0), n))[resumed]
    hold_to[resumed] = (hold_from + _draw(rng, 1, 2, n))[resumed]
    m = kind == K_STARTS
    start[m] = _draw(rng, first + 1, last, n)[m]
    m = kind == K_HOLD
    start[m] = (first - _draw(rng, 2, 12, n))[m]
    duration[m] = np.maximum(_draw(rng, 10, 24, n), last + 6 - start)[m]
    hold_from[m] = _draw(rng, first + 1, last, n)[m]
    m = kind == K_APPROVED
    start[m] = (last + _draw(rng, 1, 4, n))[m]
    approved[m] = _draw(rng, first - 2, last, n)[m]
    m = kind == K_PROPOSAL
    start[m] = (last + _draw(rng, 1, 6, n))[m]
    created[m] = (last - _draw(rng, 0, 14, n))[m]
    duration[m] = _draw(rng, 4, 24, n)[m]
    m = kind == K_CANCELLED
    created[m] = (first - _draw(rng, 1, 8, n))[m]
    cancelled[m] = _draw(rng, first + 1, last, n)[m]

    delivery = np.isin(kind, (K_DONE_BEFORE, K_DONE_IN, K_ACTIVE, K_STARTS, K_HOLD))
    approved[delivery] = (start - _draw(rng, 1, 3, n))[delivery]
    settled = delivery | (kind == K_APPROVED)
    created[settled] = (approved - _draw(rng, 1, 4, n))[settled]
    window = np.where(kind == K_PROPOSAL, _draw(rng, 0, 6, n), _draw(rng, 0, 3, n))
    return _Plan(kind, created, approved, start, duration, window, hold_from, hold_to, cancelled, **perf)


def _plan_all_reporting(rng: np.random.Generator, n: int, first: int, last: int) -> _Plan:
    """Benchmark shape: every project delivers through the whole window; a tenth end it on hold."""
    months = last - first + 1
    kind = np.where(rng.random(n) < 0.1, K_HOLD, K_ACTIVE)
    perf = _performance(rng, n, first, last)
    start = np.full(n, first)
    # Longer than the window at the fastest pace (1.3), so nobody finishes: projects x months rows.
    duration = int(np.ceil(months * 1.35)) + _draw(rng, 0, 24, n)
    approved = start - _draw(rng, 1, 2, n)
    created = approved - _draw(rng, 1, 4, n)
    hold_from = np.where(kind == K_HOLD, last - _draw(rng, 0, 3, n), NEVER)
    never = np.full(n, NEVER)
    window = _draw(rng, 0, 3, n)
    return _Plan(kind, created, approved, start, duration, window, hold_from, never.copy(), never.copy(), **perf)


def _assign_categories(rng: np.random.Generator, plan: _Plan, all_reporting: bool) -> None:
    n = plan.n
    plan.category = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARES)
    plan.size = np.clip(rng.lognormal(0.0, 0.45, n), 0.3, 3.0)
    plan.mandatory = np.zeros(n, dtype=bool)
    plan.depends = [[] for _ in range(n)]
    plan.group = [None] * n
    plan.pairs = []
    if all_reporting:
        return
    proposals = np.flatnonzero(plan.kind == K_PROPOSAL)
    count = min(len(proposals), max(1, round(n * 0.03)))
    chosen = rng.choice(proposals, size=count, replace=False) if count else np.array([], dtype=int)
    plan.mandatory[chosen] = True
    plan.category[chosen] = COMPLIANCE
    plan.size[chosen] = rng.uniform(0.45, 0.75, count)
    plan.duration[chosen] = _draw(rng, 4, 8, count)
    plan.window[chosen] = _draw(rng, 4, 6, count)


def _assign_dependencies(rng: np.random.Generator, plan: _Plan, last: int) -> None:
    """About a third of proposals build on an older project: committed work or an earlier proposal.

    A dependant's earliest start moves to around its prerequisite's planned finish. Only older
    projects qualify, so the graph is acyclic by construction.
    """
    committed: list[list[int]] = [[] for _ in CATEGORIES]
    proposed: list[list[int]] = [[] for _ in CATEGORIES]
    draws = rng.random((plan.n, 6))
    for index in range(plan.n):
        kind, cat = plan.kind[index], plan.category[index]
        if kind == K_PROPOSAL and not plan.mandatory[index] and draws[index, 0] < 0.34:
            wanted = 2 if draws[index, 1] < 0.15 else 1
            for attempt in range(wanted):
                pools = (committed, proposed) if draws[index, 2 + attempt] < 0.6 else (proposed, committed)
                candidates = pools[0][cat] or pools[1][cat] or [i for pool in pools[0] for i in pool]
                candidates = [c for c in candidates if c not in plan.depends[index]]
                if not candidates:
                    continue
                dep = candidates[int(draws[index, 4 + attempt] * len(candidates))]
                earliest = plan.start[dep] + plan.duration[dep] - int(draws[index, 3 - attempt] * 3)
                if earliest <= last + 18:
                    plan.depends[index].append(dep)
                    plan.start[index] = max(plan.start[index], earliest)
        if plan.mandatory[index]:
            continue
        if kind in (K_ACTIVE, K_STARTS, K_APPROVED):
            committed[cat].append(index)
        elif kind == K_PROPOSAL:
            proposed[cat].append(index)


def _assign_groups(rng: np.random.Generator, plan: _Plan) -> None:
    """Pairs of alternative proposals (build or buy) of which at most one may be chosen."""
    used = {d for deps in plan.depends for d in deps}
    free = [i for i in range(plan.n) if plan.kind[i] == K_PROPOSAL and not plan.mandatory[i]
            and not plan.depends[i] and i not in used]
    rng.shuffle(free)
    for g in range(min(len(free) // 2, max(1, round(plan.n / 30)))):
        build, buy = sorted(free[2 * g: 2 * g + 2])
        plan.category[buy] = plan.category[build]
        plan.start[buy] = plan.start[build]
        plan.size[build] *= 1.3  # building in-house: bigger, slower, more benefit and risk
        plan.size[buy] *= 0.7
        plan.duration[buy] = max(3, int(plan.duration[build] * 0.6))
        plan.pairs.append((build, buy))


def _names(rng: np.random.Generator, plan: _Plan) -> list[str]:
    """Bilingual names: a category pool, region suffixes once used up, 二期 for follow-ons.

    Also names each exclusive group after its subject (e.g. 客户360视图选型) and its two alternatives.
    """
    pools = [list(rng.permutation(len(p))) for p in NAME_POOL]
    used = [0] * len(CATEGORIES)
    base: list[tuple[str, str]] = []
    followed: set[int] = set()  # projects that already have a 二期
    for index in range(plan.n):
        cat = int(plan.category[index])
        deps = plan.depends[index]
        if (len(deps) == 1 and plan.category[deps[0]] == cat and deps[0] not in followed
                and not base[deps[0]][0].endswith("二期")):
            followed.add(deps[0])
            zh, en = base[deps[0]]
            base.append((zh + "二期", en + " Phase 2"))
            continue
        k, used[cat] = used[cat], used[cat] + 1
        zh, en = NAME_POOL[cat][pools[cat][k % len(pools[cat])]]
        rounds = k // len(pools[cat])
        if rounds:
            region_zh, region_en = REGIONS[(rounds - 1) % len(REGIONS)]
            zh, en = f"{zh}（{region_zh}）", f"{en} ({region_en})"
            batch = (rounds - 1) // len(REGIONS)
            if batch:
                zh, en = f"{zh}第{batch + 1}批", f"{en} batch {batch + 1}"
        base.append((zh, en))
    names = [f"{zh} {en}" for zh, en in base]
    for build, buy in plan.pairs:
        zh, en = base[build]
        names[build] = f"{zh}（自建） {en} (Build)"
        names[buy] = f"{zh}（采购SaaS） {en} (SaaS)"
        plan.group[build] = plan.group[buy] = f"{zh}选型"
    return names


def _project_ids(created: np.ndarray) -> list[str]:
    """PRJ-<year created>-<sequence in that year>, ordered by creation."""
    ids, seq = [], {}
    for month in created.tolist():
        year = month // 12
        seq[year] = seq.get(year, 0) + 1
        ids.append(f"PRJ-{year}-{seq[year]:03d}")
    return ids


# ---------------------------------------------------------------------------------------------
# Demand, money and scores
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Demand:
    """Demand rows (project index, role index, month offset, FTE), sorted by project, role, offset."""

    project: np.ndarray
    role: np.ndarray
    offset: np.ndarray
    fte: np.ndarray


def _demand(rng: np.random.Generator, plan: _Plan, keep_rows: bool = True) -> tuple[_Demand, np.ndarray]:
    """Each role's FTE over a project's months (a bell around the role's phase of the project),
    and each project's labour cost at internal rates.

    Projects are expanded in chunks so that ten thousand long projects stay within a few hundred
    MB; with `keep_rows=False` only the labour cost is kept (the same random draws either way).
    """
    n, roles = plan.n, len(ROLES)
    mix = ROLE_MIX[plan.category]
    include = (mix > 0) & (rng.random((n, roles)) < 0.88)
    include[:, 0] = True  # every project has a project manager
    include[:, 3] |= mix[:, 3] > 0
    peak = mix * plan.size[:, None] * rng.uniform(0.8, 1.2, (n, roles))
    peak[:, 0] = np.clip(np.round(plan.size * 2) / 2, 0.5, 1.0)  # a half-time or full-time PM
    centres = np.array([r.phase_centre for r in ROLES])
    widths = np.array([r.phase_width for r in ROLES])
    rates = np.array([r.internal_rate for r in ROLES])
    labour = np.zeros(n)
    parts: list[tuple[np.ndarray, ...]] = []
    for low in range(0, n, 1000):
        pair_project, pair_role = np.nonzero(include[low: low + 1000])
        pair_project += low
        lengths = plan.duration[pair_project]
        pair = np.repeat(np.arange(len(pair_project)), lengths)
        offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        project, role = pair_project[pair], pair_role[pair]
        phase = (offset + 0.5) / plan.duration[project]
        fte = np.round(peak[project, role] * np.exp(-(((phase - centres[role]) / widths[role]) ** 2)), 1)
        keep = fte >= 0.1
        project, role, offset, fte = project[keep], role[keep], offset[keep], fte[keep]
        labour += np.bincount(project, weights=fte * rates[role], minlength=n)
        if keep_rows:
            parts.append((project.astype(np.int32), role.astype(np.int8), offset.astype(np.int32), fte))
    columns = [np.concatenate(c) for c in zip(*parts, strict=True)] if parts else [np.array([], dtype=int)] * 4
    return _Demand(*columns), labour


@dataclass(frozen=True)
class _Money:
    budget: np.ndarray  # baseline budget, 万元
    creep_month: np.ndarray  # month the scope grew (NEVER if not)
    creep_factor: np.ndarray
    benefit: np.ndarray
    risk: np.ndarray

    def budget_at(self, project: np.ndarray, month: np.ndarray | int) -> np.ndarray:
        grown = np.asarray(month) >= self.creep_month[project]
        return np.round(self.budget[project] * np.where(grown, self.creep_factor[project], 1.0))


def _money(rng: np.random.Generator, plan: _Plan, labour: np.ndarray, first: int, last: int) -> _Money:
    """Budget = labour at internal rates plus a non-labour share; benefit and risk by category."""
    low, high = np.array(NON_LABOUR_SHARE).T
    budget = np.maximum(np.round(labour * (1 + rng.uniform(low[plan.category], high[plan.category]))), 5.0)
    for build, buy in plan.pairs:  # a SaaS alternative costs less than building, whatever its labour
        budget[buy] = max(np.round(labour[buy] * 1.1), np.round(budget[build] * rng.uniform(0.5, 0.75)))
    low, high = np.array(BENEFIT_RATIO).T
    ratio = rng.uniform(low[plan.category], high[plan.category])
    for build, buy in plan.pairs:
        ratio[build], ratio[buy] = ratio[build] * 1.15, ratio[build] * 0.9
    benefit = np.maximum(np.round(budget * ratio / 10) * 10, 10.0)
    risk = np.array(RISK_BASE)[plan.category] + (plan.size > 1.6) + rng.normal(0, 0.8, plan.n)
    risk = np.clip(np.round(risk), 1, 5)
    for build, buy in plan.pairs:
        risk[build], risk[buy] = min(risk[build] + 1, 5), max(risk[build] - 1, 1)
    in_delivery = np.isin(plan.kind, (K_DONE_IN, K_ACTIVE, K_STARTS, K_HOLD))
    creep_factor = np.round(rng.uniform(1.08, 1.3, plan.n), 2)
    creeping = in_delivery & (plan.start < last) & (rng.random(plan.n) < 0.2)
    creep_month = np.where(creeping, np.maximum(_draw(rng, first + 1, last, plan.n), plan.start + 1), NEVER)
    return _Money(budget, creep_month, creep_factor, benefit, risk)


def _scores(rng: np.random.Generator, plan: _Plan) -> np.ndarray:
    """Project x objective 0-5 integer scores, NaN where the assessor left a cell empty."""
    quality = rng.normal(0, 0.5, plan.n)[:, None]
    raw = SCORE_MEANS[plan.category] + quality + rng.normal(0, 0.8, (plan.n, len(OBJECTIVES)))
    scores = np.clip(np.round(raw), 0, 5)
    scores[rng.random(scores.shape) < MISSING_SCORE_SHARE] = np.nan
    return scores


# ---------------------------------------------------------------------------------------------
# Delivery simulation: monthly cumulative EVM per project
# ---------------------------------------------------------------------------------------------


def _s_curve(fraction: np.ndarray) -> np.ndarray:
    """Cumulative share of value by share of time: mostly smoothstep, with a linear part."""
    return 0.3 * fraction + 0.7 * fraction * fraction * (3 - 2 * fraction)


def _simulate(rng: np.random.Generator, plan: _Plan, money: _Money, last: int) -> tuple[np.ndarray, dict]:
    """Run every started project month by month; returns finish months and the report rows."""
    finish, cells = _simulate_cells(rng, plan, money, last)  # the month x project matrices are freed here
    return finish, (_report_rows(rng, plan, money, cells) if cells else {})


def _simulate_cells(rng: np.random.Generator, plan: _Plan, money: _Money, last: int) -> tuple[np.ndarray, dict]:
    """Cumulative pace, PV, EV and AC of every started project, kept at its reporting months.

    Projects are simulated in chunks so that the month x project matrices stay small.
    """
    finish = np.full(plan.n, NEVER)
    started = np.flatnonzero(plan.start <= last)
    parts = [_simulate_chunk(rng, plan, money, last, started[i: i + 2000], finish)
             for i in range(0, len(started), 2000)]
    if not parts:
        return finish, {}
    return finish, {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def _simulate_chunk(rng: np.random.Generator, plan: _Plan, money: _Money, last: int, rep: np.ndarray,
                    finish: np.ndarray) -> dict:
    t0 = int(plan.start[rep].min())
    months = np.arange(t0, last + 1)[None, :]
    start, duration = plan.start[rep][:, None], plan.duration[rep][:, None]
    rel = months - start
    alive = rel >= 0
    holding = alive & (months >= plan.hold_from[rep][:, None]) & (months < plan.hold_to[rep][:, None])
    working = alive & ~holding
    troubled = months >= plan.trouble_from[rep][:, None]
    pace = (plan.pace_base[rep][:, None] + plan.pace_drift[rep][:, None] * rel) * np.where(troubled, 0.7, 1.0)
    pace = np.where(working, np.clip(pace + rng.normal(0, 0.05, rel.shape), 0.2, 1.3), 0.0)
    progress = np.cumsum(pace, axis=1)  # effective months of work done
    done = progress >= duration
    finished = done.any(axis=1)
    finish_col = np.where(finished, done.argmax(axis=1), months.shape[1])
    finish[rep[finished]] = t0 + finish_col[finished]
    cpi = np.clip(plan.cpi_base[rep][:, None] + plan.cpi_drift[rep][:, None] * rel - 0.06 * troubled
                  + rng.normal(0, 0.012, rel.shape), 0.6, 1.25)
    grown = months >= money.creep_month[rep][:, None]
    bac = np.round(money.budget[rep][:, None] * np.where(grown, money.creep_factor[rep][:, None], 1.0))
    earned_share = _s_curve(np.minimum(progress / duration, 1.0))
    earned = np.where(alive, bac * earned_share, 0.0)
    actual = np.maximum.accumulate(earned / cpi, axis=1)  # cost to date never falls
    planned = np.where(alive, bac * _s_curve(np.minimum((rel + 1) / duration, 1.0)), 0.0)
    worked = np.cumsum(working, axis=1)
    # Pace of the last three months, which is what a project manager's forecast extrapolates.
    recent_progress = progress - np.pad(progress, ((0, 0), (3, 0)))[:, :-3]
    recent_worked = worked - np.pad(worked, ((0, 0), (3, 0)))[:, :-3]
    reported = alive & (np.arange(months.shape[1])[None, :] <= finish_col[:, None])
    row, col = np.nonzero(reported)
    return {
        "project": rep[row], "month": t0 + col, "rel": rel[row, col],
        "pv": planned[row, col], "ev": earned[row, col], "ac": actual[row, col],
        "share": earned_share[row, col], "progress": progress[row, col], "worked": worked[row, col],
        "recent_progress": recent_progress[row, col], "recent_worked": recent_worked[row, col],
        "holding": holding[row, col], "final": col == finish_col[row],
    }


def _report_rows(rng: np.random.Generator, plan: _Plan, money: _Money, c: dict) -> dict:
    """Turn simulated cells into status-report columns (RAG, forecast, risks, milestones...)."""
    p, n = c["project"], len(c["project"])
    pv, ev, ac = np.round(c["pv"], 2), np.round(c["ev"], 2), np.round(c["ac"], 2)
    spi = np.divide(ev, pv, out=np.ones(n), where=pv > 0)
    cpi = np.divide(ev, ac, out=np.ones(n), where=ac > 0)
    perf = np.minimum(spi, cpi)
    optimism = rng.normal(0.02, 0.02, plan.n)[p]  # managers report a little greener than the numbers
    seen = perf + optimism + rng.normal(0, 0.02, n)
    rag = np.where(seen >= 0.95, "green", np.where(seen >= 0.87, "amber", "red")).astype(object)
    rag[c["holding"] & (rag == "green")] = "amber"
    rag[c["final"]] = np.where(perf[c["final"]] >= 0.9, "green", "amber")
    duration = plan.duration[p]
    overall = c["progress"] / np.maximum(c["worked"], 1)
    recent = np.where(c["recent_worked"] > 0, c["recent_progress"] / np.maximum(c["recent_worked"], 1), overall)
    pace = 0.6 * recent + 0.4 * overall
    left = np.ceil(np.maximum(duration - c["progress"], 0) / np.maximum(pace, 0.25)).astype(np.int64)
    forecast = np.where(c["final"], c["month"], c["month"] + left + c["holding"])
    shortfall = np.maximum(0.0, 1.0 - perf)
    risks = rng.poisson(0.4 + 0.45 * money.risk[p] + 8 * shortfall)
    issues = rng.poisson(0.2 + 10 * shortfall)
    risks[c["final"]], issues[c["final"]] = 0, 0
    every = _draw(rng, 2, 4, plan.n)[p]
    due = ((c["rel"] + 1) % every == 0).astype(np.int64)
    due[c["final"]] = 1
    due += (due > 0) & (rng.random(n) < 0.08)
    met = rng.binomial(due, np.clip(0.2 + 0.75 * spi, 0.2, 0.98))
    benefit = np.where(c["final"], np.round(money.benefit[p] * rng.uniform(0.45, 1.1, n), 1), np.nan)
    return {
        "project": p, "month": c["month"], "planned_value": pv, "earned_value": ev, "actual_cost": ac,
        "percent_complete": np.round(100 * c["share"], 1), "rag": rag, "forecast_month": forecast,
        "open_risks": risks, "open_issues": issues, "milestones_due": due, "milestones_met": met,
        "benefit_realized": benefit,
    }


def _status_at(plan: _Plan, finish: np.ndarray, month: int) -> np.ndarray:
    """Each project's status at the end of `month`."""
    status = np.full(plan.n, "proposed", dtype=object)
    approved = plan.approved <= month
    status[approved] = "approved"
    started = approved & (plan.start <= month)
    status[started] = "active"
    status[started & (plan.hold_from <= month) & (month < plan.hold_to)] = "on_hold"
    status[started & (finish <= month)] = "completed"
    status[plan.cancelled <= month] = "cancelled"
    return status


# ---------------------------------------------------------------------------------------------
# Capacity, maturity and process KPIs
# ---------------------------------------------------------------------------------------------


def _load(demand: _Demand, projects: np.ndarray, start: np.ndarray, low: int, high: int) -> np.ndarray:
    """FTE by role (rows) and month low..high (columns) of the chosen projects at the given starts."""
    chosen = projects[demand.project]
    month = start[demand.project[chosen]] + demand.offset[chosen]
    inside = (month >= low) & (month <= high)
    width = high - low + 1
    index = demand.role[chosen][inside].astype(np.int64) * width + (month[inside] - low)
    weights = demand.fte[chosen][inside]
    return np.bincount(index, weights=weights, minlength=len(ROLES) * width).reshape(len(ROLES), width)


PROPOSAL_ROOM = 0.5  # share of the open proposals' FTE-months that capacity leaves room for
CAPACITY_HORIZON = 24  # months from the last snapshot over which that share is measured


def _capacity_plan(plan: _Plan, demand: _Demand, finish: np.ndarray, snapshot_months: Sequence[int],
                   first: int, last: int) -> tuple[int, int, np.ndarray]:
    """Monthly FTE per role (rows) over months low..high.

    Capacity is a steady in-house headcount plus contractors (外包) engaged for committed work, who
    roll off as it finishes: committed work of every snapshot fits from its as-of month on, and
    over the next two years the spare capacity holds only about half of the open proposals. Before
    the window capacity matched the work in delivery, except a crunch of developers and testers in
    the three months before it (a past over-allocation to see on the Resources page).
    """
    low, high = first - 12, max(first + 47, last + 36)
    columns = np.arange(low, high + 1)
    february = np.where(columns % 12 == 1, 0.9, 1.0)  # Spring Festival: fewer working days
    in_delivery = _load(demand, plan.start <= last, plan.start, low, high)
    crunch = np.zeros_like(in_delivery, dtype=bool)
    crunch[[3, 4]] = (columns >= snapshot_months[0] - 4) & (columns < snapshot_months[0] - 1)
    floor = np.where(columns < snapshot_months[0], in_delivery * np.where(crunch, 0.9, 1.0), 0.0)
    for month in snapshot_months:
        committed = _committed(plan, finish, month)
        load = _load(demand, committed, plan.start, low, high)
        floor = np.maximum(floor, np.where(columns >= month, load, 0.0))
    status = _status_at(plan, finish, last)
    horizon = slice(last - low, last - low + CAPACITY_HORIZON)
    committed = _load(demand, _committed(plan, finish, last), plan.start, low, high)[:, horizon]
    proposals = _load(demand, (status == "proposed") & ~plan.mandatory, plan.start, low, high)[:, horizon]
    season, floor_ahead = february[horizon], floor[:, horizon]
    headcount = np.empty(len(ROLES))
    for role in range(len(ROLES)):
        # The smallest steady headcount whose spare capacity (above committed work, which always
        # fits) holds PROPOSAL_ROOM of the proposals' FTE-months.
        wanted = PROPOSAL_ROOM * proposals[role].sum()
        level = 1.0
        while (np.maximum(np.maximum(level * season, floor_ahead[role]) - committed[role], 0).sum() < wanted):
            level += 0.5
        headcount[role] = level
    capacity = np.round(headcount[:, None] * february[None, :] * 2) / 2
    return low, high, np.maximum(capacity, np.ceil(floor * 2 - 1e-9) / 2)


def _committed(plan: _Plan, finish: np.ndarray, month: int) -> np.ndarray:
    """Projects whose demand is committed at `month`: active, approved and mandatory proposals."""
    status = _status_at(plan, finish, month)
    present = plan.created <= month
    return present & (np.isin(status, COMMITTED_STATUSES) | (plan.mandatory & (status == "proposed")))


def _maturity_frame(rng: np.random.Generator, progress: float) -> pd.DataFrame:
    """Self-assessment scores; `progress` (0-1) is how far through the window the assessment is."""
    rows = []
    for area, practices in MATURITY_PRACTICES:
        held = MATURITY_LEVEL[area]
        for practice, level in practices:
            if practice in MATURITY_IMPROVING:
                begin, end = MATURITY_IMPROVING[practice]
                score = begin + (end - begin) * progress
            elif practice in MATURITY_FIXED:
                score = MATURITY_FIXED[practice] + 2 * progress
            elif level <= held:
                score = rng.uniform(82, 94) + rng.uniform(0, 3) * progress
            elif level == held + 1:
                score = rng.uniform(56, 75) + rng.uniform(0, 3) * progress
            else:
                score = rng.uniform(25, 52) + rng.uniform(0, 2) * progress
            rows.append((area, practice, level, float(min(round(score), 100)), MATURITY_TARGET[area]))
    return pd.DataFrame(rows, columns=["area", "practice", "level", "score", "target_level"])


def _kpi_truth(rng: np.random.Generator, low: int, last: int) -> pd.DataFrame:
    """Monthly KPIs per process from `low` to `last`; PDCA processes improve after their change."""
    months = np.arange(low, last + 1)
    parts = []
    for process in PROCESSES:
        after = np.zeros(len(months), dtype=bool)
        if process.change_before_end is not None:
            after = months >= last - process.change_before_end
        gain = np.where(after, process.improvement, 0.0)
        season = np.where(months % 12 == 11, 1.5, 1.0) if process.name == "采购审批" else 1.0
        parts.append(pd.DataFrame({
            "process": process.name,
            "month": months,
            "cycle_time_days": np.round(process.cycle_time_days * (1 - gain)
                                        * rng.lognormal(0, 0.1, len(months)), 1),
            "unit_cost": np.round(process.unit_cost * (1 - 0.5 * gain) * rng.normal(1, 0.06, len(months)), 3),
            "error_rate": np.round(process.error_rate * (1 - gain) * rng.lognormal(0, 0.2, len(months)), 4),
            "volume": rng.poisson(process.volume * season, len(months)).astype(float),
        }))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# The world, and snapshots cut from it
# ---------------------------------------------------------------------------------------------


@dataclass
class _World:
    first: int
    last: int
    plan: _Plan
    ids: np.ndarray  # object array of project ids
    names: np.ndarray
    departments: np.ndarray
    sponsors: np.ndarray
    managers: np.ndarray
    demand: _Demand
    money: _Money
    scores: np.ndarray
    finish: np.ndarray
    reports: dict
    capacity: tuple[int, int, np.ndarray] | None
    maturity_seed: int
    kpis: pd.DataFrame
    spend_shapes: dict[int, np.ndarray] = field(default_factory=dict)  # project -> share of budget per month
    register_seed: int = 0  # the registers' own random stream (cash flows, lessons, targets, change requests)


def _build_world(projects: int, first: int, last: int, seed: int, all_reporting: bool,
                 snapshot_months: Sequence[int], tables: Sequence[str] = TABLES) -> _World:
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(9)]  # the first 8 as before
    plan_rng, names_rng, demand_rng, money_rng, score_rng, evm_rng, kpi_rng, profile_rng, register_rng = streams
    planner = _plan_all_reporting if all_reporting else _plan_lifecycle
    plan = planner(plan_rng, projects, first, last)
    plan.reorder(np.lexsort((plan_rng.random(projects), plan.created)))  # ids follow creation order
    _assign_categories(plan_rng, plan, all_reporting)
    if not all_reporting:
        _assign_dependencies(plan_rng, plan, last)
        _assign_groups(plan_rng, plan)
    names = np.array(_names(names_rng, plan), dtype=object)
    departments = np.array([names_rng.choice(DEPARTMENTS[c]) for c in plan.category], dtype=object)
    sponsors = np.array(SPONSORS, dtype=object)[names_rng.integers(0, len(SPONSORS), projects)]
    managers = np.array(MANAGERS, dtype=object)[names_rng.integers(0, len(MANAGERS), projects)]
    demand, labour = _demand(demand_rng, plan, keep_rows=bool({"demand", "capacity"} & set(tables)))
    money = _money(money_rng, plan, labour, first, last)
    finish, reports = _simulate(evm_rng, plan, money, last)
    capacity = _capacity_plan(plan, demand, finish, snapshot_months, first, last) if "capacity" in tables else None
    kpi_low = min(first, last - KPI_HISTORY_MONTHS + 1)
    return _World(first, last, plan, np.array(_project_ids(plan.created), dtype=object), names, departments,
                  sponsors, managers, demand, money, _scores(score_rng, plan), finish, reports, capacity,
                  int(kpi_rng.integers(2**31)), _kpi_truth(kpi_rng, kpi_low, last),
                  spend_shapes=_spend_shapes(profile_rng, plan), register_seed=int(register_rng.integers(2**31)))


def _spend_shapes(rng: np.random.Generator, plan: _Plan) -> dict[int, np.ndarray]:
    """Share of the budget per month of the projects that do not spend evenly (front- or back-loaded).

    Drawn from a stream of its own, so adding profiles left every other table of the sample unchanged.
    """
    draws = rng.random(plan.n)
    first_month = rng.uniform(*FRONT_LOADED_FIRST_MONTH, plan.n)
    ramp = rng.uniform(*BACK_LOADED_RAMP, plan.n)
    eligible = ~np.isin(plan.kind, (K_DONE_BEFORE, K_CANCELLED)) & (plan.duration >= 4)
    front = eligible & (plan.category == INFRA) & (draws < FRONT_LOADED_CHANCE)
    back = eligible & np.isin(plan.category, (DIGITAL, CX)) & (plan.kind == K_PROPOSAL) & (draws < BACK_LOADED_CHANCE)
    shapes: dict[int, np.ndarray] = {}
    for index in np.flatnonzero(front | back).tolist():
        months = int(plan.duration[index])
        if front[index]:
            weights = np.full(months, (1.0 - first_month[index]) / (months - 1))
            weights[0] = first_month[index]
        else:
            weights = 1.0 + ramp[index] * np.arange(months) / (months - 1)
        shapes[index] = weights / weights.sum()
    return shapes


def _projects_frame(world: _World, month: int, present: np.ndarray) -> pd.DataFrame:
    plan = world.plan
    status = _status_at(plan, world.finish, month)[present]
    proposed = status == "proposed"
    latest = _date_lookup(plan.start[present] + plan.window[present], first_day)
    latest[~proposed] = None
    return pd.DataFrame({
        "project_id": world.ids[present],
        "name": world.names[present],
        "category": np.array(CATEGORIES, dtype=object)[plan.category[present]],
        "department": world.departments[present],
        "sponsor": world.sponsors[present],
        "manager": world.managers[present],
        "status": status,
        "start_month": _date_lookup(plan.start[present], first_day),
        "latest_start_month": latest,
        "duration_months": plan.duration[present].astype(np.int64),
        "budget": world.money.budget_at(present, month),
        "expected_benefit": world.money.benefit[present],
        "risk_score": world.money.risk[present],
        "mandatory": plan.mandatory[present],
        "depends_on": [[str(world.ids[d]) for d in plan.depends[i]] for i in present],
        "exclusive_group": [plan.group[i] for i in present],
    })


def _status_frame(world: _World, month: int) -> pd.DataFrame:
    r = world.reports
    if not r:
        return pd.DataFrame(columns=[c for c, _, _ in COLUMNS["status_reports"]])
    chosen = r["month"] <= month
    frame = pd.DataFrame({
        "project_id": world.ids[r["project"][chosen]],
        "report_date": _date_lookup(r["month"][chosen], month_end),
    })
    for column in ("planned_value", "earned_value", "actual_cost", "percent_complete", "rag"):
        frame[column] = r[column][chosen]
    frame["forecast_finish"] = _date_lookup(r["forecast_month"][chosen], month_end)
    for column in ("open_risks", "open_issues", "milestones_due", "milestones_met"):
        frame[column] = r[column][chosen].astype(np.int64)
    frame["benefit_realized"] = r["benefit_realized"][chosen]
    return frame


def _capacity_frame(world: _World, position: int, snapshots: int) -> pd.DataFrame:
    low, high, capacity = world.capacity
    months = np.arange(low, high + 1)
    capacity = capacity.copy()
    if position >= snapshots // 2:  # new developer headcount approved mid-window, from next January
        capacity[3, months >= (world.last // 12 + 1) * 12] += 2.0
    years_ahead = np.maximum(months // 12 - world.last // 12, 0)
    hire = np.array([r.hire_cost for r in ROLES])[:, None] * 1.04 ** years_ahead[None, :]
    role = np.repeat(np.arange(len(ROLES)), len(months))
    return pd.DataFrame({
        "role": np.array([r.name for r in ROLES], dtype=object)[role],
        "month": np.tile(_date_lookup(months, first_day), len(ROLES)),
        "capacity_fte": capacity.ravel(),
        "hire_cost_per_fte_month": np.round(hire, 2).ravel(),
    })


def _snapshot(world: _World, month: int, position: int, snapshots: int, tables: Iterable[str]) -> GeneratedSnapshot:
    plan = world.plan
    present = np.flatnonzero(plan.created <= month)
    builders = {
        "projects": lambda: _projects_frame(world, month, present),
        "objectives": lambda: pd.DataFrame(OBJECTIVES, columns=["objective_id", "name", "weight"]),
        "project_scores": lambda: _scores_frame(world, present),
        "capacity": lambda: _capacity_frame(world, position, snapshots),
        "demand": lambda: _demand_frame(world, month),
        "status_reports": lambda: _status_frame(world, month),
        "maturity": lambda: _maturity_frame(np.random.default_rng(world.maturity_seed),
                                            (month - world.first) / max(world.last - world.first, 1)),
        "process_kpis": lambda: _kpi_frame(world, month),
        "spend_profile": lambda: _spend_profile_frame(world, month),
        "cash_flows": lambda: _cash_flows_frame(world, month),
        "lessons": lambda: _lessons_frame(world, month),
        "targets": lambda: _targets_frame(world),
        "change_requests": lambda: _change_requests_frame(world, month),
    }
    frames = {table: builders[table]() for table in TABLES if table in set(tables)}
    as_of = month_end(month)
    label = f"{as_of.year}-{as_of.month:02d} 月度快照 Monthly snapshot"
    return GeneratedSnapshot(label=label, as_of=as_of, frames=frames)


def _spend_profile_frame(world: _World, month: int) -> pd.DataFrame:
    """Planned spend per month of the profiled projects present at `month`, adding up to that month's budget."""
    chosen = np.array([i for i in sorted(world.spend_shapes) if world.plan.created[i] <= month], dtype=np.int64)
    budgets = world.money.budget_at(chosen, month) if len(chosen) else np.array([])
    ids, offsets, amounts = [], [], []
    for index, budget in zip(chosen.tolist(), budgets.tolist(), strict=True):
        planned = np.round(budget * world.spend_shapes[index], 2)
        planned[-1] = round(budget - planned[:-1].sum(), 2)  # rounding never moves the total off the budget
        ids += [world.ids[index]] * len(planned)
        offsets += list(range(len(planned)))
        amounts += planned.tolist()
    return pd.DataFrame({"project_id": pd.Series(ids, dtype=object), "month_offset": np.array(offsets, dtype=np.int64),
                         "planned_spend": np.array(amounts, dtype=float)})


def _scores_frame(world: _World, present: np.ndarray) -> pd.DataFrame:
    rows, cols = np.nonzero(~np.isnan(world.scores[present]))
    return pd.DataFrame({
        "project_id": world.ids[present][rows],
        "objective_id": np.array([o[0] for o in OBJECTIVES], dtype=object)[cols],
        "score": world.scores[present][rows, cols],
    })


def _demand_frame(world: _World, month: int) -> pd.DataFrame:
    d = world.demand
    chosen = world.plan.created[d.project] <= month
    return pd.DataFrame({
        "project_id": world.ids[d.project[chosen]],
        "role": np.array([r.name for r in ROLES], dtype=object)[d.role[chosen]],
        "month_offset": d.offset[chosen],
        "fte": d.fte[chosen],
    })


def _kpi_frame(world: _World, month: int) -> pd.DataFrame:
    frame = world.kpis[world.kpis["month"] <= month].reset_index(drop=True)
    frame["month"] = _date_lookup(frame["month"].to_numpy(), first_day)
    return frame


# ---------------------------------------------------------------------------------------------
# The PMO's registers: business-case cash flows, lessons learned, annual targets, change requests
# ---------------------------------------------------------------------------------------------

CASH_FLOW_PROJECTS = 8  # at most: open proposals and approved projects whose case has flows of its own
BENEFIT_MONTHS = 36  # months of benefit after go-live (the business cases' default horizon)
BENEFIT_RAMP_MONTHS = 6  # benefits grow to their full monthly rate over the first months after go-live
BENEFIT_REALISATION = (0.7, 1.25)  # a case's benefits over its expected benefit
RUN_COST_SHARE = (0.004, 0.012)  # monthly running cost after go-live, share of the budget (SaaS: twice)
SECOND_LESSON_CHANCE = 0.35

# (category, lesson, tags): what a project's close-out review wrote down, in Chinese with its English (tags,
# which the Lessons page offers as filters one by one, in Chinese only).
LESSONS: tuple[tuple[str, str, str], ...] = (
    ("需求 Requirements", "需求冻结晚于设计评审，返工约三周；下次在设计评审前冻结范围。"
     " Requirements were frozen after the design review and cost three weeks of rework; freeze scope first.",
     "需求;范围"),
    ("进度 Schedule", "关键路径上的接口联调没有预留缓冲，联调延误直接推迟上线。"
     " Interface testing on the critical path had no buffer, so its delay moved go-live.", "进度;接口"),
    ("供应商 Vendors", "供应商驻场人员更换三次，知识交接不足；合同中应约定核心人员稳定。"
     " The vendor changed its on-site lead three times; contracts should keep key staff stable.",
     "供应商;合同"),
    ("干系人 Stakeholders", "业务部门负责人全程参与周例会，验收一次通过。"
     " The business owner joined every weekly review, and acceptance passed first time.",
     "干系人;验收"),
    ("质量 Quality", "自动化回归测试覆盖核心流程后，上线后缺陷下降一半。"
     " Automated regression tests on the core flows halved defects after go-live.", "测试;质量"),
    ("成本 Cost", "云资源按峰值采购，前六个月利用率不足三成；应按实际用量分批采购。"
     " Cloud capacity was bought for the peak and ran under 30 % for six months; buy in steps.",
     "成本;云"),
    ("收益 Benefits", "收益指标在立项时没有基线数据，收尾时无法证明效果；立项即采集基线。"
     " No baseline was measured at approval, so the benefits could not be shown at close; measure it first.",
     "收益;基线"),
    ("数据 Data", "历史数据迁移低估了清洗工作量，应在计划阶段做数据质量评估。"
     " Cleansing the legacy data was underestimated; assess data quality while planning.", "数据;迁移"),
    ("变更 Change", "变更请求统一走变更控制委员会后，范围蔓延明显减少。"
     " Routing every change through the change board visibly reduced scope creep.", "变更;范围"),
    ("培训 Training", "上线前两周集中培训关键用户，推广期间的咨询量减少四成。"
     " Training key users two weeks before go-live cut support calls by 40 % during roll-out.",
     "培训;推广"),
)
CANCELLATION_LESSONS: tuple[tuple[str, str, str], ...] = (
    ("立项 Approval", "立项时未验证业务假设，试点三个月后取消；下次先做概念验证。"
     " The business case was not tested before approval and the project stopped after a three-month pilot;"
     " run a proof of concept first.", "立项;概念验证"),
    ("战略 Strategy", "战略重点调整后项目失去发起人，应在季度组合评审时及早止损。"
     " The project lost its sponsor when priorities changed; stop such work early at the quarterly review.",
     "战略;组合评审"),
)

# Annual SMART targets the PMO sets itself, rising year by year (the last three years of the window).
TARGETS: dict[str, tuple[float, float, float]] = {
    "project_success_rate": (0.55, 0.6, 0.65),
    "on_time_rate": (0.65, 0.7, 0.75),
    "on_budget_rate": (0.7, 0.75, 0.8),
    "benefits_realisation_rate": (0.75, 0.8, 0.85),
}

# Change requests: (title, scope change, budget change as a share of the budget, schedule change in months).
CHANGES: tuple[tuple[str, str, float, int], ...] = (
    ("增加移动端审批 Add mobile approvals", "新增移动端审批流程及消息推送 New mobile approval flow and notifications",
     0.08, 1),
    ("对接新版财务系统 Integrate the new ERP", "新增与新版财务系统的接口 Interfaces to the new ERP", 0.12, 2),
    ("取消次要报表 Drop secondary reports", "取消12张低使用率报表 Twelve little-used reports removed", -0.05, 0),
    ("监管新规适配 Adapt to the new regulation", "按监管新规调整数据口径 Data definitions changed for the new rule",
     0.06, 1),
    ("增加灾备切换演练 Add a failover drill", "上线前增加一次灾备切换演练 One failover drill before go-live",
     0.03, 1),
    ("扩大试点范围 Widen the pilot", "试点由2个分公司扩大到5个 Pilot widened from 2 branches to 5", 0.1, 2),
    ("更换短信服务商 Change the SMS provider", "更换短信服务商并重新联调 New SMS provider, integration retested",
     0.02, 0),
)
CHANGE_OUTCOMES: tuple[str, ...] = ("approved", "rejected", "approved", "withdrawn", "approved", "submitted",
                                    "submitted")  # oldest first: the newest requests are still open
CHANGE_BOARD = "变更控制委员会 CCB"


def _register_rng(world: _World, register: int) -> np.random.Generator:
    """One register's stream: the same draws for every snapshot, so a register grows consistently."""
    return np.random.default_rng([world.register_seed, register])


def _cash_flows_frame(world: _World, month: int) -> pd.DataFrame:
    """Monthly cost and benefit of a handful of open cases (exclusive alternatives first), present at `month`.

    Cost is the budget over the project's months (its spend profile's shape when it has one), then a
    running cost after go-live; benefit ramps up over BENEFIT_RAMP_MONTHS and runs for BENEFIT_MONTHS.
    """
    plan, rng = world.plan, _register_rng(world, 1)
    realisation = rng.uniform(*BENEFIT_REALISATION, plan.n)
    run_share = rng.uniform(*RUN_COST_SHARE, plan.n)
    bought = {buy for _, buy in plan.pairs}  # a SaaS alternative pays its subscription every month
    paired = [i for pair in plan.pairs for i in pair]
    open_case = np.isin(plan.kind, (K_PROPOSAL, K_APPROVED))
    others = [int(i) for i in rng.permutation(plan.n) if open_case[i] and plan.category[i] in (COST, DIGITAL)]
    chosen = [i for i in dict.fromkeys(paired + others) if open_case[i]][:CASH_FLOW_PROJECTS]
    ids, offsets, costs, benefits = [], [], [], []
    for index in sorted(i for i in chosen if plan.created[i] <= month):
        months = int(plan.duration[index])
        budget = float(world.money.budget_at(np.array([index]), month)[0])
        shape = world.spend_shapes.get(index, np.full(months, 1.0 / months))
        build = np.round(budget * shape, 2)
        build[-1] = round(budget - build[:-1].sum(), 2)
        ramp = np.minimum(np.arange(1, BENEFIT_MONTHS + 1) / BENEFIT_RAMP_MONTHS, 1.0)
        benefit = np.round(world.money.benefit[index] * realisation[index] * ramp / ramp.sum(), 2)
        running = round(budget * run_share[index] * (2.0 if index in bought else 1.0), 2)
        ids += [world.ids[index]] * (months + BENEFIT_MONTHS)
        offsets += list(range(months + BENEFIT_MONTHS))
        costs += build.tolist() + [running] * BENEFIT_MONTHS
        benefits += [0.0] * months + benefit.tolist()
    return pd.DataFrame({"project_id": pd.Series(ids, dtype=object), "month_offset": np.array(offsets, dtype=np.int64),
                         "cost": np.array(costs, dtype=float), "benefit": np.array(benefits, dtype=float)})


def _lessons_frame(world: _World, month: int) -> pd.DataFrame:
    """A close-out lesson (a third of them two) of every project completed or cancelled by `month`."""
    plan, rng = world.plan, _register_rng(world, 2)
    first, second = rng.integers(0, len(LESSONS), plan.n), rng.integers(1, len(LESSONS), plan.n)
    two = rng.random(plan.n) < SECOND_LESSON_CHANCE
    cancelled_pick = rng.integers(0, len(CANCELLATION_LESSONS), plan.n)
    status = _status_at(plan, world.finish, month)
    rows = []
    for index in np.flatnonzero(np.isin(status, CLOSED_STATUSES)).tolist():
        if status[index] == "cancelled":
            picks, day = [CANCELLATION_LESSONS[cancelled_pick[index]]], month_end(int(plan.cancelled[index]))
        else:
            chosen = [first[index]] + ([(first[index] + second[index]) % len(LESSONS)] if two[index] else [])
            picks, day = [LESSONS[c] for c in chosen], month_end(int(world.finish[index]))
        rows += [(world.ids[index], day, category, lesson, tags) for category, lesson, tags in picks]
    return pd.DataFrame(rows, columns=["project_id", "recorded_on", "category", "lesson", "tags"])


def _targets_frame(world: _World) -> pd.DataFrame:
    """The PMO's targets for the last three years of the window (the same register in every snapshot)."""
    years = range(world.last // 12 - 2, world.last // 12 + 1)
    rows = [(year, metric, targets[k]) for metric, targets in TARGETS.items() for k, year in enumerate(years)]
    return pd.DataFrame(rows, columns=["year", "metric", "target"]).astype({"year": np.int64})


def _change_requests_frame(world: _World, month: int) -> pd.DataFrame:
    """Change requests raised on projects in delivery over the window, as they stood at `month`."""
    plan, rng = world.plan, _register_rng(world, 3)
    delivering = np.flatnonzero((_status_at(plan, world.finish, world.last) == "active")
                                & (plan.start <= world.last - 2))
    chosen = rng.permutation(delivering)[:len(CHANGES)]
    n = len(chosen)
    spread = np.round(np.linspace(world.first, world.last, n)).astype(np.int64)  # the first one in the first month
    raised = np.maximum(plan.start[chosen] + 1, spread)
    raise_day, later = rng.integers(1, 15, n), rng.integers(0, 2, n)
    days_after, day_of_month = rng.integers(5, 12, n), rng.integers(2, 20, n)
    raised_on = [first_day(int(raised[k])) + dt.timedelta(days=int(raise_day[k])) for k in range(n)]
    rows = []
    for number, k in enumerate(sorted(range(n), key=lambda k: (raised_on[k], k)), start=1):
        index, outcome, (title, scope, share, slip) = int(chosen[k]), CHANGE_OUTCOMES[k], CHANGES[k]
        decided = NEVER if outcome == "submitted" else min(int(raised[k]) + int(later[k]), world.last)
        if raised[k] > month:
            continue
        known = decided <= month
        if known:
            decided_on = (raised_on[k] + dt.timedelta(days=int(days_after[k])) if decided == raised[k]
                          else first_day(decided) + dt.timedelta(days=int(day_of_month[k])))
        budget = float(world.money.budget_at(np.array([index]), int(raised[k]))[0])  # as it stood when raised
        rows.append({
            "cr_id": f"CR-{raised_on[k].year}-{number:03d}", "project_id": world.ids[index], "raised_on": raised_on[k],
            "title": title, "budget_delta": round(budget * share, 1), "schedule_delta_months": slip,
            "scope_change": scope, "status": outcome if known else "submitted",
            "decided_on": decided_on if known else None,
            "decided_by": (CHANGE_BOARD if outcome != "withdrawn" else world.managers[index]) if known else None,
        })
    columns = ["cr_id", "project_id", "raised_on", "title", "budget_delta", "schedule_delta_months", "scope_change",
               "status", "decided_on", "decided_by"]
    return pd.DataFrame(rows, columns=columns).astype({"schedule_delta_months": np.int64})


def generate(
    projects: int = 60,
    months: int = 6,
    seed: int = 7,
    *,
    snapshots: int | None = None,
    end_month: str = DEFAULT_END_MONTH,
    all_reporting: bool = False,
    tables: Iterable[str] | None = None,
) -> list[GeneratedSnapshot]:
    """Generate `snapshots` monthly snapshots (default min(months, 6)) ending at `end_month`.

    The same arguments always give the same frames. `tables` limits which of the tables (TABLES)
    are built (all by default); `all_reporting` is the benchmark shape described in the module.
    """
    if projects < 10:
        raise ValueError("projects must be at least 10")
    if months < 1:
        raise ValueError("months must be at least 1")
    count = min(months, 6) if snapshots is None else snapshots
    if not 1 <= count <= months:
        raise ValueError("snapshots must be between 1 and months")
    chosen = TABLES if tables is None else tuple(tables)
    unknown = set(chosen) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}")
    try:
        last = month_index(end_month)
    except InvalidInput as e:
        raise ValueError(f"expected YYYY-MM, got {end_month!r}") from e
    first = last - months + 1
    snapshot_months = list(range(last - count + 1, last + 1))
    world = _build_world(projects, first, last, seed, all_reporting, snapshot_months, chosen)
    return [_snapshot(world, m, i, count, chosen) for i, m in enumerate(snapshot_months)]


# ---------------------------------------------------------------------------------------------
# Writing the bundle: DIR/<NN>_<YYYY-MM>/*.csv + snapshot.json
# ---------------------------------------------------------------------------------------------

# (canonical column, Chinese alias of the import contract, how a value is written)
COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "projects": (
        ("project_id", "项目编号", "text"), ("name", "项目名称", "text"), ("category", "项目类别", "text"),
        ("department", "部门", "text"), ("sponsor", "发起人", "text"), ("manager", "项目经理", "text"),
        ("status", "状态", "status"), ("start_month", "开始月份", "month"),
        ("latest_start_month", "最晚开始月份", "month"), ("duration_months", "工期（月）", "int"),
        ("budget", "预算", "money"), ("expected_benefit", "预期收益", "money"),
        ("risk_score", "风险评分", "int"), ("mandatory", "是否强制", "bool"),
        ("depends_on", "前置项目", "list"), ("exclusive_group", "互斥组", "text"),
    ),
    "objectives": (("objective_id", "目标编号", "text"), ("name", "目标名称", "text"), ("weight", "权重", "fraction")),
    "project_scores": (("project_id", "项目编号", "text"), ("objective_id", "目标编号", "text"),
                       ("score", "评分", "score")),
    "capacity": (("role", "角色", "text"), ("month", "月份", "month"), ("capacity_fte", "可用人力", "number"),
                 ("hire_cost_per_fte_month", "外包单价", "number")),
    "demand": (("project_id", "项目编号", "text"), ("role", "角色", "text"), ("month_offset", "相对月份", "int"),
               ("fte", "人力需求", "number")),
    "status_reports": (
        ("project_id", "项目编号", "text"), ("report_date", "报告日期", "date"),
        ("planned_value", "计划价值", "money"), ("earned_value", "挣值", "money"),
        ("actual_cost", "实际成本", "money"), ("percent_complete", "完成百分比", "points"),
        ("rag", "状态灯", "rag"), ("forecast_finish", "预计完成日期", "date"),
        ("open_risks", "未关闭风险数", "int"), ("open_issues", "未关闭问题数", "int"),
        ("milestones_due", "到期里程碑数", "int"), ("milestones_met", "按期完成里程碑数", "int"),
        ("benefit_realized", "已实现收益", "money"),
    ),
    "maturity": (("area", "过程域", "text"), ("practice", "实践", "text"), ("level", "成熟度等级", "int"),
                 ("score", "得分", "points"), ("target_level", "目标等级", "int")),
    "process_kpis": (("process", "流程", "text"), ("month", "月份", "month"),
                     ("cycle_time_days", "周期（天）", "number"), ("unit_cost", "单位成本", "number"),
                     ("error_rate", "差错率", "fraction"), ("volume", "业务量", "int")),
    "spend_profile": (("project_id", "项目编号", "text"), ("month_offset", "相对月份", "int"),
                      ("planned_spend", "月度支出", "money")),
    "cash_flows": (("project_id", "项目编号", "text"), ("month_offset", "相对月份", "int"),
                   ("cost", "现金流出", "money"), ("benefit", "现金流入", "money")),
    "lessons": (("project_id", "项目编号", "text"), ("recorded_on", "记录日期", "date"), ("category", "类别", "text"),
                ("lesson", "经验教训", "text"), ("tags", "标签", "text")),
    "targets": (("year", "年度", "int"), ("metric", "指标", "metric"), ("target", "目标值", "fraction")),
    "change_requests": (
        ("cr_id", "变更编号", "text"), ("project_id", "项目编号", "text"), ("raised_on", "提出日期", "date"),
        ("title", "变更标题", "text"), ("budget_delta", "预算变化", "money"),
        ("schedule_delta_months", "工期变化（月）", "int"), ("scope_change", "范围变化", "text"),
        ("status", "状态", "change_status"), ("decided_on", "决定日期", "date"), ("decided_by", "决定人", "text"),
    ),
}
STATUS_ZH = {"proposed": "提议", "approved": "已批准", "active": "进行中", "on_hold": "暂停",
             "completed": "已完成", "cancelled": "已取消"}
RAG_ZH = {"green": "绿", "amber": "黄", "red": "红"}
SCORE_ZH = {0: "无", 1: "低", 2: "中", 4: "高", 5: "极高"}  # 3 has no word in the contract


@dataclass(frozen=True)
class FileStyle:
    """How one CSV file is written: the look of a real export, always valid under the contract."""

    headers: str = "en"  # "en": canonical names; "zh": the Chinese aliases
    encoding: str = "utf-8"  # "utf-8", "utf-8-sig" (with BOM) or "gb18030"
    separator: str = ","
    month_format: str = "iso"  # iso 2026-03 | slash 2026/3 | zh 2026年3月
    date_format: str = "iso"  # iso 2026-03-31 | slash 2026/3/31 | zh 2026年3月31日
    thousands: str = ""  # "" none, "," (1,200) or "，" (full-width 1，200)
    chinese_words: bool = False  # 进行中 / 绿 / 是 / 高 instead of active / green / yes / 4
    line_terminator: str = "\n"
    list_separator: str = ";"
    percent_signs: bool = False  # 45.5% for percent_complete and maturity scores, 3.5% for error rates


PLAIN = FileStyle()
EXCEL_ZH = FileStyle("zh", "gb18030", ",", "zh", "zh", ",", True, "\r\n", "；", True)
EXCEL_BOM = FileStyle("en", "utf-8-sig", ",", "slash", "slash", ",", False, "\r\n", ";")
WPS_ZH = FileStyle("zh", "utf-8-sig", ",", "iso", "iso", "", True, "\r\n", ",")
TSV_ZH = FileStyle("zh", "utf-8-sig", "\t", "slash", "zh", "，", True, "\r\n", "；", True)
SEMICOLON = FileStyle("en", "utf-8", ";", "iso", "slash", "", False, "\n", ",")
# Style of each file by snapshot position (cycled beyond six): the first snapshot is the clean
# template export, later ones what colleagues send from Excel and WPS.
MIXED_STYLES: dict[str, tuple[FileStyle, ...]] = {
    "projects": (PLAIN, EXCEL_BOM, EXCEL_ZH, WPS_ZH, TSV_ZH, EXCEL_ZH),
    "objectives": (PLAIN, WPS_ZH, EXCEL_ZH, PLAIN, EXCEL_BOM, WPS_ZH),
    "project_scores": (PLAIN, EXCEL_ZH, WPS_ZH, TSV_ZH, PLAIN, EXCEL_ZH),
    "capacity": (PLAIN, TSV_ZH, EXCEL_BOM, EXCEL_ZH, SEMICOLON, WPS_ZH),
    "demand": (PLAIN, SEMICOLON, PLAIN, EXCEL_BOM, TSV_ZH, PLAIN),
    "status_reports": (PLAIN, EXCEL_BOM, EXCEL_ZH, SEMICOLON, WPS_ZH, EXCEL_BOM),
    "maturity": (PLAIN, EXCEL_ZH, TSV_ZH, WPS_ZH, EXCEL_ZH, EXCEL_ZH),
    "process_kpis": (PLAIN, WPS_ZH, SEMICOLON, EXCEL_BOM, EXCEL_ZH, TSV_ZH),
    "spend_profile": (PLAIN, EXCEL_ZH, EXCEL_BOM, TSV_ZH, WPS_ZH, EXCEL_ZH),
    "cash_flows": (PLAIN, EXCEL_BOM, WPS_ZH, EXCEL_ZH, SEMICOLON, EXCEL_ZH),
    "lessons": (PLAIN, WPS_ZH, EXCEL_ZH, EXCEL_BOM, TSV_ZH, WPS_ZH),
    "targets": (PLAIN, EXCEL_ZH, WPS_ZH, SEMICOLON, EXCEL_BOM, EXCEL_ZH),
    "change_requests": (PLAIN, EXCEL_ZH, EXCEL_BOM, WPS_ZH, TSV_ZH, EXCEL_ZH),
}
_BUNDLE_DIR = re.compile(r"^\d{2,}_\d{4}-\d{2}$")


def _number(values: Sequence, decimals: int, thousands: str) -> list[str]:
    """Shortest decimal text (no trailing zeros), optionally with a thousands separator."""
    spec = f",.{decimals}f" if thousands else f".{decimals}f"
    out = []
    for v in values:
        if v is None or v != v:
            out.append("")
            continue
        text = format(v, spec)
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        out.append(text.replace(",", thousands) if thousands else text)
    return out


def _month_text(d: dt.date, style: str) -> str:
    if style == "slash":
        return f"{d.year}/{d.month}"
    if style == "zh":
        return f"{d.year}年{d.month}月"
    return f"{d.year}-{d.month:02d}"


def _date_text(d: dt.date, style: str) -> str:
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


def format_column(values: Sequence, kind: str, style: FileStyle) -> list[str]:
    """The text of one column as a file in `style` writes it."""
    words = style.chinese_words
    if kind in ("money", "number"):
        return _number(values, 4 if kind == "number" else 2, style.thousands if kind == "money" else "")
    if kind in ("points", "fraction"):
        if not style.percent_signs:
            return _number(values, 4, "")
        scaled = [v * 100 if kind == "fraction" and v == v else v for v in values]
        return [f"{text}%" if text else "" for text in _number(scaled, 2, "")]
    if kind == "int":
        return ["" if v is None or v != v else str(int(v)) for v in values]
    if kind in ("month", "date"):
        fmt, render = (style.month_format, _month_text) if kind == "month" else (style.date_format, _date_text)
        return ["" if v is None else render(v, fmt) for v in values]
    if kind == "bool":
        return [("是" if v else "否") if words else ("yes" if v else "no") for v in values]
    if kind == "list":
        return [style.list_separator.join(v) for v in values]
    if kind == "status":
        return [STATUS_ZH[v] for v in values] if words else list(values)
    if kind == "rag":
        return [RAG_ZH.get(v, "") if words else (v or "") for v in values]
    if kind in ("metric", "change_status"):  # the contract's first Chinese spelling of the value
        spellings = METRIC_VALUES if kind == "metric" else CHANGE_STATUS_VALUES
        return [spellings[v][0] if words else v for v in values]
    if kind == "score":
        return [SCORE_ZH.get(int(v), str(int(v))) if words else str(int(v)) for v in values]
    return ["" if v is None or v != v else str(v) for v in values]


def render_csv(table: str, frame: pd.DataFrame, style: FileStyle, *, header: bool = True, bom: bool = True) -> bytes:
    """The bytes of one CSV file of `table` written in `style` (or a headerless continuation)."""
    columns = COLUMNS[table]
    text = pd.DataFrame({
        (alias if style.headers == "zh" else name): format_column(frame[name].tolist(), kind, style)
        for name, alias, kind in columns
    })
    csv_text = text.to_csv(index=False, header=header, sep=style.separator, lineterminator=style.line_terminator)
    encoding = "utf-8" if style.encoding == "utf-8-sig" and not bom else style.encoding
    return csv_text.encode(encoding)


def write_csv(path: Path, table: str, frame: pd.DataFrame, style: FileStyle, chunk_rows: int = 100_000) -> None:
    """Write one CSV file in chunks, so a million-row table never becomes one big string."""
    with path.open("wb") as out:
        for low in range(0, max(len(frame), 1), chunk_rows):
            part = frame.iloc[low: low + chunk_rows]
            out.write(render_csv(table, part, style, header=low == 0, bom=low == 0))


def write_bundle(snapshots: Sequence[GeneratedSnapshot], out_dir: str | Path, *, plain: bool = False) -> list[Path]:
    """Write `DIR/<NN>_<YYYY-MM>/<table>.csv + snapshot.json`; returns the snapshot folders.

    Earlier bundle folders in DIR (named like `01_2026-05`) are replaced, nothing else is touched.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_dir() and _BUNDLE_DIR.match(old.name):
            shutil.rmtree(old)
    width = max(2, len(str(len(snapshots))))
    folders = []
    for position, snap in enumerate(snapshots):
        folder = out / f"{position + 1:0{width}d}_{snap.as_of.year}-{snap.as_of.month:02d}"
        folder.mkdir()
        for table, frame in snap.frames.items():
            styles = MIXED_STYLES[table]
            style = PLAIN if plain else styles[position % len(styles)]
            write_csv(folder / f"{table}.csv", table, frame, style)
        meta = {"label": snap.label, "as_of": snap.as_of.isoformat(), "currency_unit": snap.currency_unit}
        (folder / "snapshot.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        folders.append(folder)
    return folders


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m data.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=60, help="projects in the last snapshot (default 60)")
    parser.add_argument("--months", type=int, default=6, help="length of the observed window in months (default 6)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--snapshots", type=int, default=None, help="month-end snapshots to write (default min(months, 6))")
    parser.add_argument("--end", default=DEFAULT_END_MONTH, help=f"last month, YYYY-MM (default {DEFAULT_END_MONTH})")
    parser.add_argument("--all-reporting", action="store_true",
                        help="benchmark shape: every project reports every month (projects x months status rows)")
    parser.add_argument("--tables", default=",".join(TABLES), help="comma-separated tables to write (default all)")
    mix = parser.add_mutually_exclusive_group()
    mix.add_argument("--plain", action="store_true", help="UTF-8, English headers, ISO dates, bare numbers")
    mix.add_argument("--encoding-mix", action="store_true", help="Excel/WPS look (default)")
    parser.add_argument("--out", required=True, help="output folder")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    began = time.perf_counter()
    try:
        snapshots = generate(args.projects, args.months, args.seed, snapshots=args.snapshots, end_month=args.end,
                             all_reporting=args.all_reporting,
                             tables=[t.strip() for t in args.tables.split(",") if t.strip()])
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    generated = time.perf_counter()
    folders = write_bundle(snapshots, args.out, plain=args.plain)
    written = time.perf_counter()
    for folder, snap in zip(folders, snapshots, strict=True):
        rows = ", ".join(f"{table} {len(frame):,}" for table, frame in snap.frames.items())
        print(f"{folder}: {rows}")
    print(f"generated in {generated - began:.1f} s, written in {written - generated:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
