"""The product's vocabulary has one home (analytics.vocabulary): no layer re-declares its lists."""

from __future__ import annotations

import re
from pathlib import Path

from analytics import vocabulary as v
from store.contract import KINDS, STATUS_VALUES

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("analytics", "reports", "ui", "commands", "pages", "store", "data", "bench")

# Literal lists that used to be written out in several layers.
REDECLARED = [
    re.compile(r"""["']highs["'],\s*["']cbc["']"""),
    re.compile(r"""["']strategic_value["'],\s*["']benefit["'],\s*["']net_benefit["']"""),
    re.compile(r"""["']active["'],\s*["']approved["']"""),
    re.compile(r"""["']completed["'],\s*["']cancelled["']"""),
    re.compile(r"""["']optimal["'],\s*["']feasible["']"""),
    re.compile(r"""NO_CATEGORY\s*=|CR_THRESHOLD\s*="""),
    re.compile(r"""(consistency_ratio|cr)\s*[<>]=?\s*0\.10?\b"""),
]


def _sources():
    for layer in LAYERS:
        for file in sorted((ROOT / layer).rglob("*.py")):
            if file.name != "vocabulary.py":
                yield file


def test_no_layer_redeclares_the_vocabulary():
    found = []
    for file in _sources():
        text = file.read_text(encoding="utf-8")
        found += [f"{file.relative_to(ROOT)}: {p.pattern}" for p in REDECLARED if p.search(text)]
    assert found == []


def test_lists_come_from_their_literals():
    assert v.STATUSES == ("proposed", "approved", "active", "on_hold", "completed", "cancelled")
    assert set(v.STATUS_ORDER) == set(v.STATUSES)
    assert set(v.COMMITTED_STATUSES) | set(v.CLOSED_STATUSES) | set(v.OPEN_PROPOSAL_STATUSES) == set(v.STATUSES)
    assert v.OBJECTIVES == ("strategic_value", "benefit", "net_benefit", "npv") and v.SOLVERS == ("auto", "highs", "cbc")
    assert set(v.SOLVE_STATUSES) > v.SOLUTION_STATUSES
    assert v.CR_THRESHOLD == 0.10 and v.NO_CATEGORY == "-"


def test_the_data_contract_accepts_exactly_the_product_statuses():
    assert tuple(STATUS_VALUES) == v.STATUSES
    assert KINDS["projects"].column("status").allowed == v.STATUSES


def test_the_command_line_offers_the_same_objectives_and_solvers():
    import argparse

    from commands import optimize
    parser = argparse.ArgumentParser()
    optimize.register(parser.add_subparsers())
    sub = parser._subparsers._group_actions[0].choices["optimize"]
    choices = {a.dest: tuple(a.choices) for a in sub._actions if a.choices}
    assert choices["objective"] == v.OBJECTIVES and choices["solver"] == v.SOLVERS
