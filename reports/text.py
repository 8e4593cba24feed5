"""Words and number formats of the exports in the reader's language.

The pack holds codes and numbers; `ReportText` turns them into text: catalogue messages
(`report.*`), the optimiser's reason texts (`explain.<code>`, owned by the optimiser), findings
(`report.finding.<code>`), money with the snapshot's currency unit, percentages and month labels.
Lists inside message parameters are joined the way each language joins them (、 in Chinese).
"""

from __future__ import annotations

import math
from typing import Any

from analytics.selection_types import Reason
from i18n import LANGUAGES, has_key, numbers, translate
from reports.pack import HIRES_AND_OTHER, NO_CATEGORY, Finding, RecommendationPack

_LIST_SEPARATOR = {"zh": "、", "en": ", "}
class ReportText:
    """Translation and formatting for one export language."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang

    def __call__(self, key: str, /, **params: object) -> str:
        return translate(self.lang, key, **{k: self._plain(v) for k, v in params.items()})

    def _plain(self, value: Any) -> Any:
        if isinstance(value, list | tuple | set | frozenset):
            return _LIST_SEPARATOR[self.lang].join(str(self._plain(v)) for v in value)
        if isinstance(value, float) and not math.isfinite(value):
            return "∞" if value > 0 else "-"
        return value

    def join(self, items: list[str] | tuple[str, ...]) -> str:
        return _LIST_SEPARATOR[self.lang].join(items)

    # -- numbers --------------------------------------------------------------------------------

    def number(self, value: float | None, digits: int = 1) -> str:
        return numbers.number(value, self.lang, digits)

    def money(self, value: float | None, unit: str, digits: int = 1) -> str:
        return numbers.money(value, unit, self.lang, digits)

    def percent(self, value: float | None, digits: int = 0) -> str:
        return numbers.percent(value, self.lang, digits)

    def category(self, name: str | None) -> str:
        if name in (None, "", NO_CATEGORY):
            return self("report.uncategorised")
        if name == HIRES_AND_OTHER:
            return self("report.hires_and_other")
        return name

    def resource(self, kind: str, resource: str, unit: str) -> str:
        """A resource of the marginal-value table: the budget in words with its unit, a role by its name."""
        return self("report.marginal.budget", unit=unit) if kind == "budget" else resource

    def yes_no(self, value: bool) -> str:
        return self("report.yes") if value else self("report.no")

    # -- codes ----------------------------------------------------------------------------------

    def objective_kind(self, kind: str) -> str:
        key = f"report.objective.{kind}"
        return self(key) if has_key(self.lang, key) else kind

    def status(self, status: str) -> str:
        key = f"report.status.{status}"
        return self(key) if has_key(self.lang, key) else status

    def method(self, method: str) -> str:
        key = f"report.method.{method}"
        return self(key) if has_key(self.lang, key) else method

    def reason(self, reason: Reason) -> str:
        """The optimiser's explanation of one reason, or the code with its details if it has no text.

        Its numbers are formatted as the pages format them (`i18n.numbers.reason_params`: fractional
        numbers to `numbers.REASON_DIGITS` decimals, shares as percentages, in the reader's locale).
        """
        key = f"explain.{reason.code}"
        params = numbers.reason_params(reason.params, self.lang)
        if has_key(self.lang, key):
            text = numbers.reason_text(self.lang, reason.code, reason.params)
            if text != reason.code:
                return text
        details = self.join([f"{k}={self._plain(v)}" for k, v in sorted(params.items())])
        code = self(f"report.reason.{reason.code}") if has_key(self.lang, f"report.reason.{reason.code}") else reason.code
        return f"{code} ({details})" if details else code

    def reasons(self, reasons: tuple[Reason, ...]) -> str:
        """Every reason in one cell. Each reason text is a sentence with its own full stop, so Chinese
        drops each 。 and joins with ； ending in one 。 ("A；B。", never "A。；B。"), and English joins the
        sentences with a space ("A. B.")."""
        texts = [text for text in (self.reason(r).strip() for r in reasons) if text]
        if not texts:
            return ""
        if self.lang == "zh":
            return "；".join(text.rstrip("。；;") for text in texts) + "。"
        return " ".join(text if text.endswith((".", "!", "?")) else text + "." for text in texts)

    def finding(self, finding: Finding, unit: str, medium: str = "workbook") -> str:
        """One finding as a sentence. The deck has no sheets to point to: a finding with a
        `report.finding.<code>_deck` text says it there without "see the ... sheet"."""
        params: dict[str, Any] = {}
        for name, value in finding.params.items():
            if name in {"cost", "price"}:
                params[name] = self.money(value, unit)
            elif name in {"peak", "share", "gap", "cr_share"}:
                params[name] = self.percent(value, 1 if name == "gap" else 0)
            elif name in {"fte_months", "threshold", "cr"}:
                params[name] = self.number(value, 2 if name == "cr" else 1)
            elif name == "roles":
                params[name] = self.join(list(value))
            else:
                params[name] = value
        key = f"report.finding.{finding.code}"
        if medium == "deck" and has_key(self.lang, f"{key}_deck"):
            key = f"{key}_deck"
        return self(key, **params)

    # -- sentences ------------------------------------------------------------------------------

    def recommendation_sentence(self, pack: RecommendationPack) -> str:
        """The recommendation in one sentence with its headline figures."""
        summary, unit = pack.summary, pack.currency_unit
        params = {
            "count": summary.selected_count,
            "proposals": summary.selected_count + summary.left_out_count,
            "cost": self.money(summary.new_cost, unit),
            "total": self.money(summary.total_cost, unit),
            "objective": self.number(summary.objective),
            "objective_kind": self.objective_kind(summary.objective_kind),
            "start": summary.horizon_start,
            "end": summary.horizon_end,
        }
        sentence = self("report.sentence.main", **params)
        if summary.uplift_over_greedy is not None:
            sentence += self("report.sentence.uplift", uplift=self.percent(summary.uplift_over_greedy, 1))
        if summary.strategic_coverage is not None:
            sentence += self("report.sentence.coverage", coverage=self.percent(summary.strategic_coverage))
        return sentence + self("report.sentence.end")

    def parameter_rows(self, pack: RecommendationPack) -> list[tuple[str, Any]]:
        """(label, value) of every scenario parameter, values as numbers where they are numbers."""
        p = pack.params
        rows: list[tuple[str, Any]] = [
            (self("report.param.horizon_start"), p.horizon_start),
            (self("report.param.horizon_months"), p.horizon_months),
            (self("report.param.objective"), self.objective_kind(p.objective)),
            (self("report.param.budget", unit=pack.currency_unit), p.budget if p.budget is not None else self("report.unlimited")),
        ]
        for year, cap in sorted(p.annual_budget_caps.items()):
            rows.append((self("report.param.annual_cap", year=year, unit=pack.currency_unit), float(cap)))
        rows += [
            (self("report.param.fiscal_year_start_month"), p.fiscal_year_start_month),
            (self("report.param.discount_per_month"), p.discount_per_month),
            (self("report.param.force_in"), self.join(list(p.force_in)) or "-"),
            (self("report.param.force_out"), self.join(list(p.force_out)) or "-"),
        ]
        for category, share in sorted(p.category_min_share.items()):
            rows.append((self("report.param.category_min", category=category), float(share)))
        for category, share in sorted(p.category_max_share.items()):
            rows.append((self("report.param.category_max", category=category), float(share)))
        rows += [
            (self("report.param.max_high_risk"), p.max_high_risk if p.max_high_risk is not None else self("report.unlimited")),
            (self("report.param.high_risk_threshold"), p.high_risk_threshold),
            (self("report.param.allow_hiring"), self.yes_no(p.allow_hiring)),
            (self("report.param.allow_cancel_committed"), self.yes_no(p.allow_cancel_committed)),
            (self("report.param.solver"), p.solver),
            (self("report.param.time_limit_seconds"), p.time_limit_seconds),
            (self("report.param.mip_gap"), p.mip_gap),
            (self("report.param.threads"), p.threads),
            (self("report.param.weight_set"), self.weight_set_label(pack)),
        ]
        return rows

    def weight_set_label(self, pack: RecommendationPack) -> str:
        info = pack.weights
        if info.missing and info.method == "file":
            return self("report.weights.deleted", weight_set_id=info.weight_set_id, name=info.name or "")
        if info.missing:
            return self("report.weights.deleted_kept", weight_set_id=info.weight_set_id, name=info.name or "")
        if info.weight_set_id is None:
            return self("report.weights.file")
        return self("report.weights.named", name=info.name or "", weight_set_id=info.weight_set_id)
