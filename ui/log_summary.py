"""The decision log's one-line summaries in the reader's language, rebuilt from each entry's action
and JSON details (one `log.summary.<action>` template per action, numbers formatted).

The store writes a short English summary with every entry (for the CLI and old readers); it stays as
written. When an entry's details lack what its template needs (entries written before a field
existed, or an action added later), the stored summary is shown instead, so no entry is ever blank.
Pure functions of (language, action, summary, details): the page and its exports share them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from analytics.solver_choice import solver_name
from analytics.vocabulary import CR_THRESHOLD
from i18n import has_key, translate

Details = Mapping[str, Any]


def number(value: float) -> str:
    """1360.6 -> '1,360.6', 5139.3645 -> '5,139.36', 32.40000001 -> '32.4', 0.0 -> '0'."""
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{float(fraction) * 100:.2f}%"


def _label(lang: str, prefix: str, code: Any) -> str:
    key = f"{prefix}.{code}"
    return translate(lang, key) if has_key(lang, key) else str(code)


def _count(lang: str, noun: str, count: int) -> str:
    singular = f"log.count.{noun}_one"
    key = singular if count == 1 and has_key(lang, singular) else f"log.count.{noun}"
    return translate(lang, key, count=f"{int(count):,}")


def _import(lang: str, summary: str, d: Details) -> str:
    rows = sum(int(v) for v in d["rows"].values())
    text = translate(lang, "log.summary.import", label=summary, files=_count(lang, "files", len(d["files"])),
                     rows=_count(lang, "rows", rows))
    rejected = sum(int(v) for v in (d.get("rejected") or {}).values())  # a partial import (store.import_partial)
    text = text + translate(lang, "partial.log.rejected", rows=_count(lang, "rows", rejected)) if rejected else text
    return _mapped_by(lang, text, d.get("mapping_profiles") or {})


def _mapped_by(lang: str, text: str, profiles: Mapping[str, str]) -> str:
    """`text` with the mapping profiles (or the mapping given with the import) that shaped its files."""
    if not profiles:
        return text
    names = [_profile_name(lang, name) for name in dict.fromkeys(sorted(profiles.values()))]
    return translate(lang, "log.summary.import_profiles", text=text, profiles=translate(lang, "log.sep.list").join(names))


def _profile_name(lang: str, name: str) -> str:
    return translate(lang, "log.summary.import_profile", name=name) if name else translate(
        lang, "log.summary.import_given_mapping")


def _mapping_profile_save(lang: str, summary: str, d: Details) -> str:
    kinds = translate(lang, "log.sep.list").join(_label(lang, "data.kind", kind) for kind in d["kinds"])
    key = "log.summary.mapping_profile_replace" if d["replaced"] else "log.summary.mapping_profile_save"
    return translate(lang, key, name=d["name"], kinds=kinds)


def _snapshot_rename(lang: str, summary: str, d: Details) -> str:
    return translate(lang, "log.summary.snapshot_rename", old=d["from"], new=d["to"])


def _snapshot_delete(lang: str, summary: str, d: Details) -> str:
    return translate(lang, "log.summary.snapshot_delete", label=d["label"], as_of=d["as_of"])


def _weights_save(lang: str, summary: str, d: Details) -> str:
    params = {"weight_set_id": int(d["weight_set_id"]), "name": d["name"],
              "method": _label(lang, "log.method", d["method"]), "objectives": _count(lang, "objectives", len(d["weights"]))}
    if d.get("consistency_ratio") is None:
        return translate(lang, "log.summary.weights_save", **params)
    cr = float(d["consistency_ratio"])
    # Above the threshold the page saves only after an explicit confirmation: the log says so.
    key = "log.summary.weights_save_cr_high" if cr > CR_THRESHOLD else "log.summary.weights_save_cr"
    return translate(lang, key, consistency_ratio=f"{cr:.3f}", threshold=f"{CR_THRESHOLD:.2f}", **params)


def _weights_activate(lang: str, summary: str, d: Details) -> str:
    return translate(lang, "log.summary.weights_activate", weight_set_id=int(d["weight_set_id"]), name=d["name"])


def _weights_delete(lang: str, summary: str, d: Details) -> str:
    key = "log.summary.weights_delete_active" if d.get("was_active") else "log.summary.weights_delete"
    return translate(lang, key, weight_set_id=int(d["weight_set_id"]), name=d["name"])


def _optimize(lang: str, summary: str, d: Details) -> str:
    status, solver = _label(lang, "log.status", d["status"]), solver_name(lang, d["solver"])
    if d.get("objective") is not None:
        text = translate(lang, "log.summary.optimize", status=status, solver=solver, gap=percent(d.get("gap")),
                         objective=_label(lang, "log.objective", d["objective_kind"]), value=number(d["objective"]))
    elif d.get("violated"):
        key = "log.summary.optimize_violated_one" if len(d["violated"]) == 1 else "log.summary.optimize_violated"
        text = translate(lang, key, status=status, solver=solver,
                         constraints=_count(lang, "constraints", len(d["violated"])))
    else:
        text = translate(lang, "log.summary.optimize_none", status=status, solver=solver)
    if d.get("weight_set_id") is None:  # the objectives file's weights
        return text
    name = d.get("weight_set_name") or "?"
    return translate(lang, "log.summary.optimize_weights", text=text, name=name, weight_set_id=int(d["weight_set_id"]))


def _scenario_save(lang: str, summary: str, d: Details) -> str:
    ids = {"scenario_id": int(d["scenario_id"]), "name": d["name"]}
    if d.get("objective") is None:
        return translate(lang, "log.summary.scenario_save_none", status=_label(lang, "log.status", d["status"]), **ids)
    return translate(lang, "log.summary.scenario_save", projects=_count(lang, "projects", int(d["selected"])),
                     objective=number(d["objective"]), cost=number(d["total_cost"]), **ids)


def _scenario_rename(lang: str, summary: str, d: Details) -> str:
    return translate(lang, "log.summary.scenario_rename", scenario_id=int(d["scenario_id"]), old=d["from"], new=d["to"])


def _scenario_delete(lang: str, summary: str, d: Details) -> str:
    key = "log.summary.scenario_delete_recommended" if d.get("was_recommended") else "log.summary.scenario_delete"
    return translate(lang, key, scenario_id=int(d["scenario_id"]), name=d["name"])


def _recommend(lang: str, summary: str, d: Details) -> str:
    if d["scenario_id"] is None:
        return translate(lang, "log.summary.recommend_withdrawn", scenario_id=int(d["previous_scenario_id"]))
    return translate(lang, "log.summary.recommend", scenario_id=int(d["scenario_id"]), name=d["name"],
                     rationale=d["rationale"])


def _price_of_forcing(lang: str, summary: str, d: Details) -> str:
    infeasible = set(d.get("infeasible") or ())
    items = [
        translate(lang, "log.summary.forcing_infeasible", project=project) if project in infeasible
        else translate(lang, "log.summary.forcing_price", project=project,
                       price="—" if price is None else number(price))
        for project, price in d["prices"].items()
    ]
    if not items:
        raise KeyError("prices")
    return translate(lang, "log.sep.group").join(items)


def _marginal_values(lang: str, summary: str, d: Details) -> str:
    groups: dict[str, list[Details]] = {}
    for value in d["values"]:
        groups.setdefault(value["method"], []).append(value)
    if not groups:
        raise KeyError("values")
    list_sep = translate(lang, "log.sep.list")
    texts = []
    for method, values in groups.items():
        nonzero = [v for v in values if abs(float(v["value_per_unit"])) >= 0.005]  # shows as 0 anyway
        items = [f"{_resource(lang, v)} {number(v['value_per_unit'])}" for v in nonzero]
        if not nonzero:
            items = [translate(lang, "log.summary.marginal_all_zero")]
        elif len(nonzero) < len(values):
            items.append(translate(lang, "log.summary.marginal_others_zero"))
        texts.append(translate(lang, "log.summary.marginal_group", method=_label(lang, "log.marginal", method),
                               items=list_sep.join(items)))
    return translate(lang, "log.sep.group").join(texts)


def _resource(lang: str, value: Details) -> str:
    return translate(lang, "log.marginal.budget") if value["kind"] == "budget" else str(value["resource"])


def _frontier(lang: str, summary: str, d: Details) -> str:
    points = _count(lang, "points", len(d["points"]))
    values = [float(p["objective"]) for p in d["points"] if p.get("objective") is not None]
    if not values:
        return translate(lang, "log.summary.frontier_none", points=points)
    return translate(lang, "log.summary.frontier", points=points, low=number(min(values)), high=number(max(values)))


RENDERERS: dict[str, Callable[[str, str, Details], str]] = {
    "import": _import, "snapshot_rename": _snapshot_rename, "snapshot_delete": _snapshot_delete,
    "weights_save": _weights_save, "weights_activate": _weights_activate, "weights_delete": _weights_delete,
    "optimize": _optimize, "price_of_forcing": _price_of_forcing, "marginal_values": _marginal_values,
    "frontier": _frontier, "scenario_save": _scenario_save, "scenario_rename": _scenario_rename,
    "scenario_delete": _scenario_delete, "recommend": _recommend, "mapping_profile_save": _mapping_profile_save,
}


def parse_details(value: Any) -> dict[str, Any]:
    """The details column as a dict ({} when empty or not a JSON object)."""
    if isinstance(value, Mapping):
        return dict(value)
    if not isinstance(value, str) or not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def summary_text(lang: str, action: str, summary: str | None, details: Any) -> str:
    """The entry's summary in `lang`; the stored summary when the details cannot fill the template."""
    stored = summary or ""
    render = RENDERERS.get(action)
    if render is None:
        return stored
    try:
        return render(lang, stored, parse_details(details))
    except (KeyError, TypeError, ValueError, AttributeError):  # an older entry without these details
        return stored


# ---------------------------------------------------------------- details in the reader's language
# Every field the store writes into an entry's details gets a label (`log.detail.<field>`); values are
# formatted here: numbers with separators, yes/no, codes (status, method, objective, table names)
# translated, ids and names from the data as they are. The optimiser's parameters (`params`) are
# spread into their own labelled items. A field without a label (written by a newer module) keeps its
# stored name, so nothing recorded is ever hidden.
CODE_PREFIXES: dict[str, str] = {"status": "log.status", "method": "log.method", "objective_kind": "log.objective"}
PERCENT_FIELDS = frozenset({"gap", "mip_gap", "discount_per_month", "discount_rate"})
SKIPPED_FIELDS = frozenset({"weight_set_name"})  # shown with weight_set_id as "name (#id)"


def _detail_label(lang: str, field: str) -> str:
    key = f"log.detail.{field}"
    return translate(lang, key) if has_key(lang, key) else field


def _scalar(lang: str, field: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return translate(lang, "log.value.yes" if value else "log.value.no")
    if isinstance(value, int | float):
        return percent(value) if field in PERCENT_FIELDS else number(value)
    return str(value)


def _mapping(lang: str, field: str, value: Mapping[str, Any]) -> str:
    if not value:
        return "—"
    if field in ("rows", "rejected"):  # table -> row count of an import (imported / left out)
        return translate(lang, "log.sep.list").join(
            f"{_label(lang, 'data.kind', table)} {number(rows)}" for table, rows in value.items())
    if field == "mapping_profiles":  # file -> the profile that mapped it ('' for a mapping given with the import)
        return translate(lang, "log.sep.list").join(f"{file} → {_profile_name(lang, name)}" for file, name in value.items())
    if field == "columns":  # file kind -> the contract columns a mapping profile fills
        return translate(lang, "log.sep.group").join(
            f"{_label(lang, 'data.kind', kind)}: {translate(lang, 'log.sep.list').join(map(str, columns))}"
            for kind, columns in value.items())
    if field in ("weights", "category_min_share", "category_max_share"):  # shares 0-1
        return translate(lang, "log.sep.list").join(f"{k} {float(v) * 100:.1f}%" for k, v in value.items())
    return translate(lang, "log.sep.list").join(f"{k} {_scalar(lang, field, v)}" for k, v in value.items())


def _sequence(lang: str, field: str, value: list) -> str:
    if not value:
        return "—"
    if all(isinstance(v, str | int | float) for v in value):
        return translate(lang, "log.sep.list").join(_scalar(lang, field, v) for v in value)
    return translate(lang, "log.count.items", count=f"{len(value):,}")  # points, marginal values: in the summary


def _value(lang: str, field: str, value: Any, details: Details) -> str:
    if field == "weight_set_id" and value is not None and details.get("weight_set_name"):
        return f"{details['weight_set_name']} (#{int(value)})"
    if field.endswith("_id") and isinstance(value, int) and not isinstance(value, bool):
        return f"#{value}"
    if field == "solver" and isinstance(value, str):
        return solver_name(lang, value)
    if field in CODE_PREFIXES and isinstance(value, str):
        return _label(lang, CODE_PREFIXES[field], value)
    if isinstance(value, Mapping):
        return _mapping(lang, field, value)
    if isinstance(value, list | tuple):
        return _sequence(lang, field, list(value))
    return _scalar(lang, field, value)


def details_items(lang: str, details: Any) -> list[tuple[str, str]]:
    """(label, value) pairs of an entry's details in `lang`; the optimiser's params spread out."""
    parsed = parse_details(details)
    items: list[tuple[str, str]] = []
    for field, value in parsed.items():
        if field in SKIPPED_FIELDS:
            continue
        if field == "params" and isinstance(value, Mapping):
            # What the entry states itself (solver, weight set, objective kind) is not repeated.
            items.extend((_detail_label(lang, k), _value(lang, k, v, value)) for k, v in value.items()
                         if k not in parsed and k != "objective")
            continue
        items.append((_detail_label(lang, field), _value(lang, field, value, parsed)))
    return items


def details_text(lang: str, details: Any) -> str:
    """The details as one line: "label: value; label: value" in `lang` ("" when there are none)."""
    colon = translate(lang, "log.sep.colon")
    return translate(lang, "log.sep.group").join(f"{label}{colon}{value}" for label, value in details_items(lang, details))
