"""A real database whose user-typed texts are all hostile, for the escaping tests (AppTest and browser).

The seeded generator's portfolio (16 projects, two monthly snapshots) with hostile project names,
categories, departments, sponsors, managers, objective names, roles, maturity areas and practices
and processes, imported through the importer with hostile snapshot labels, currency unit and
actors; an active weight set with a hostile name; two scenarios with hostile names solved by
`cli.py optimize`, the first recommended with a hostile rationale.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import cli
from data.generate import GeneratedSnapshot, generate, write_bundle
from store import db, scenarios, weights
from store.importer import import_paths

IMAGE = "![i](http://host/p.png)"
LINK = "[x](http://evil.example)"
IMG_TAG = "<img src=x onerror=alert(1)>"
A_TAG = '<a href="http://evil.example">a</a>'
FORMULA = '=HYPERLINK("http://evil","x")'
AT_FORMULA = "@SUM(1)"
HOSTILE = (IMAGE, LINK, IMG_TAG, "**bold**", ":red[x]", "$x$", FORMULA, AT_FORMULA, A_TAG)

LABELS = (f"{IMAGE} {LINK}", f"{LINK} {IMG_TAG} **bold**")  # the two snapshots, oldest first
UNIT = "$x$"
WEIGHT_SET = f"**bold** {IMAGE}"
SCENARIO = f"{IMAGE} {IMG_TAG}"
RATIONALE = f"{LINK} **bold** {IMG_TAG} :red[x]"
RENAMED = f"{IMG_TAG} {IMAGE} :red[x]"
OTHER_SCENARIO = f"{LINK} {A_TAG}"


def hostile(i: int) -> str:
    return HOSTILE[i % len(HOSTILE)]


def _renamed(values) -> dict[str, str]:
    """Each distinct value (a category, role, area, process) becomes one hostile text."""
    return {value: hostile(i) for i, value in enumerate(sorted(set(values)))}


def _hostile_snapshot(snap: GeneratedSnapshot) -> GeneratedSnapshot:
    frames = {name: frame.copy() for name, frame in snap.frames.items()}
    projects = frames["projects"]
    # every other name also carries an HTML tag, so each chart of projects has one to escape
    projects["name"] = [hostile(i) if i % 2 == 0 else f"{hostile(i)} {IMG_TAG}" for i in range(len(projects))]
    for column in ("department", "sponsor", "manager"):
        projects[column] = [hostile(i + 3) for i in range(len(projects))]
    projects["category"] = projects["category"].map(_renamed(projects["category"]))
    frames["objectives"]["name"] = [hostile(i) for i in range(len(frames["objectives"]))]
    roles = _renamed(frames["capacity"]["role"])
    frames["capacity"]["role"] = frames["capacity"]["role"].map(roles)
    frames["demand"]["role"] = frames["demand"]["role"].map(roles)
    frames["maturity"]["area"] = frames["maturity"]["area"].map(_renamed(frames["maturity"]["area"]))
    frames["maturity"]["practice"] = [f"{hostile(i)} {i}" for i in range(len(frames["maturity"]))]
    frames["process_kpis"]["process"] = frames["process_kpis"]["process"].map(_renamed(frames["process_kpis"]["process"]))
    return GeneratedSnapshot(snap.label, snap.as_of, frames, snap.currency_unit)


@dataclass(frozen=True)
class HostileDb:
    path: Path
    snapshot_id: int     # the current (second) snapshot
    scenario_id: int     # saved, recommended


def build(root: Path) -> HostileDb:
    """Write the bundle under `root` and import it into `root/hostile.duckdb`."""
    generated = [_hostile_snapshot(s) for s in generate(projects=16, months=3, seed=7, snapshots=2)]
    folders = write_bundle(generated, root / "bundle", plain=True)
    path = root / "hostile.duckdb"
    con = db.connect(path)
    ids = []
    for i, (folder, snap) in enumerate(zip(folders, generated, strict=True)):
        report = import_paths(con, [folder], label=LABELS[i], as_of=snap.as_of, currency_unit=UNIT, actor=hostile(i + 2))
        assert report.snapshot_id is not None, report.problems
        ids.append(report.snapshot_id)
    objectives = [row[0] for row in con.execute("SELECT objective_id FROM objectives WHERE snapshot_id = ?", [ids[-1]]).fetchall()]
    weights.save_weight_set(con, snapshot_id=ids[-1], name=WEIGHT_SET, method="direct",
                            weights={o: 1.0 for o in objectives}, actor=LINK, activate=True)
    con.close()
    scenario_id = _optimise(path, ids[-1], SCENARIO, budget=3000)
    _optimise(path, ids[-1], OTHER_SCENARIO, budget=2000)
    con = db.connect(path)
    scenarios.recommend_scenario(con, scenario_id, RATIONALE, actor=AT_FORMULA)
    con.close()
    return HostileDb(path, ids[-1], scenario_id)


def _optimise(path: Path, snapshot_id: int, name: str, budget: float) -> int:
    out = io.StringIO()
    # The command line signs with the operating-system user (getpass reads LOGNAME first): a hostile one here.
    with contextlib.redirect_stdout(out), mock.patch.dict(os.environ, {"LOGNAME": FORMULA}):
        status = cli.main(["optimize", "--db", str(path), "--snapshot", str(snapshot_id), "--budget", str(budget),
                           "--save-as", name, "--explain", "--json", "--time-limit", "30"])
    assert status == 0, out.getvalue()
    return int(json.loads(out.getvalue())["scenario_id"])
