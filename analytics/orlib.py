"""OR-Library multidimensional knapsack instances (Beasley): parsers and their portfolio form.

Two layouts exist:
- the standard one of `mknap1.txt` and `mknapcb*.txt`: the number of problems, then per problem
  `n m optimum` (optimum 0 = unknown), the n profits, m rows of n weights, the m capacities;
- `mknap2.txt`, 48 problems from the literature, mixed with free text: each problem follows a line
  `problem NAME.DAT`; its numbers are `m n` (constraints FIRST), the n profits, the m capacities,
  the m x n weights and, when known, the optimum. Lines of `+` and `//` comments are not data.

`to_portfolio` turns a problem into the selection model's input exactly as the import recipe of
issue 4 does: a project per item with duration 1, budget 0, start = latest start = one month,
demand of `weights[i, j]` on role `c{i+1}` at month offset 0, capacity = the right-hand sides, and
expected_benefit = profit (solve with objective "benefit"). The model is then the knapsack itself.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.errors import InvalidInput
from analytics.selection_types import PortfolioData

_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_PROBLEM = re.compile(r"^\s*problem\s+(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class KnapsackProblem:
    """max profits . x  s.t.  weights @ x <= capacities, x binary."""

    name: str
    profits: np.ndarray      # n
    weights: np.ndarray      # m x n
    capacities: np.ndarray   # m
    optimum: float | None    # published optimum (or best known); None when not given

    @property
    def n_items(self) -> int:
        return len(self.profits)

    @property
    def n_constraints(self) -> int:
        return len(self.capacities)

    def value_of(self, chosen: np.ndarray) -> float:
        """Profit of a 0/1 choice, after checking it is feasible."""
        chosen = np.asarray(chosen, dtype=float)
        if (self.weights @ chosen > self.capacities + 1e-9).any():
            raise InvalidInput(f"{self.name}: the choice breaks a capacity")
        return float(self.profits @ chosen)


def _numbers(text: str) -> list[float]:
    return [float(t) for t in _NUMBER.findall(text)]


def parse_standard(text: str, name: str = "mknap") -> list[KnapsackProblem]:
    """Problems in the standard layout (mknap1, mknapcb1..9)."""
    numbers = _numbers(text)
    if not numbers:
        raise InvalidInput(f"{name}: no numbers")
    count, position, problems = int(numbers[0]), 1, []
    for k in range(count):
        if position + 3 > len(numbers):
            raise InvalidInput(f"{name}: file ends inside problem {k}")
        n, m, optimum = int(numbers[position]), int(numbers[position + 1]), numbers[position + 2]
        position += 3
        size = n + m * n + m
        if position + size > len(numbers):
            raise InvalidInput(f"{name}: problem {k} needs {size} numbers")
        block = np.array(numbers[position:position + size])
        position += size
        problems.append(KnapsackProblem(
            name=f"{name}#{k:02d}", profits=block[:n], weights=block[n:n + m * n].reshape(m, n),
            capacities=block[n + m * n:], optimum=optimum if optimum > 0 else None,
        ))
    return problems


def parse_mknap2(text: str, name: str = "mknap2") -> list[KnapsackProblem]:
    """Problems of mknap2.txt: `m n` header, profits, capacities, weights, optimum (see module doc)."""
    starts = list(_PROBLEM.finditer(text))
    if not starts:
        raise InvalidInput(f"{name}: no 'problem' sections")
    problems = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = "\n".join(line.split("//")[0] for line in text[match.end():end].splitlines() if not line.strip().startswith("+"))
        problems.append(_mknap2_problem(match.group(1), _numbers(body)))
    return problems


def _mknap2_problem(label: str, numbers: list[float]) -> KnapsackProblem:
    if len(numbers) < 2:
        raise InvalidInput(f"{label}: missing header")
    m, n = int(numbers[0]), int(numbers[1])
    size = n + m + m * n
    data = numbers[2:]
    if len(data) < size:
        raise InvalidInput(f"{label}: expected {size} numbers after the header, found {len(data)}")
    extra = data[size:]
    if len(extra) > 1:
        raise InvalidInput(f"{label}: {len(extra)} numbers after the data where at most an optimum belongs")
    block = np.array(data[:size])
    return KnapsackProblem(
        name=label.removesuffix(".DAT"), profits=block[:n], capacities=block[n:n + m],
        weights=block[n + m:].reshape(m, n), optimum=extra[0] if extra else None,
    )


def read_problems(path: str | Path) -> list[KnapsackProblem]:
    """Parse a file by its layout (mknap2 by name, everything else standard)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.stem.lower() == "mknap2":
        return parse_mknap2(text, path.stem)
    return parse_standard(text, path.stem)


def read_best_known(path: str | Path) -> dict[str, float]:
    """instance -> best-known value from best_known.csv ('mknapcb1#00 (5.100-00)' keyed 'mknapcb1#00')."""
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["instance"].split(" ")[0]: float(row["best_known"]) for row in csv.DictReader(handle)}


def to_frames(problem: KnapsackProblem, month: str = "2026-01") -> dict[str, pd.DataFrame]:
    """The issue-4 import recipe as projects / demand / capacity frames (canonical column names)."""
    ids = [f"K{j + 1:03d}" for j in range(problem.n_items)]
    projects = pd.DataFrame({
        "project_id": ids, "name": [f"{problem.name} item {j + 1}" for j in range(problem.n_items)],
        "category": "knapsack", "status": "proposed", "start_month": month, "latest_start_month": month,
        "duration_months": 1, "budget": 0.0, "expected_benefit": problem.profits.astype(float),
        "risk_score": 1.0, "mandatory": False, "depends_on": [[] for _ in ids], "exclusive_group": None,
    })
    rows, cols = np.nonzero(problem.weights)
    demand = pd.DataFrame({
        "project_id": [ids[j] for j in cols], "role": [f"c{i + 1}" for i in rows], "month_offset": 0,
        "fte": problem.weights[rows, cols].astype(float),
    })
    capacity = pd.DataFrame({
        "role": [f"c{i + 1}" for i in range(problem.n_constraints)], "month": month,
        "capacity_fte": problem.capacities.astype(float), "hire_cost_per_fte_month": np.nan,
    })
    return {"projects": projects, "demand": demand, "capacity": capacity}


def to_portfolio(problem: KnapsackProblem, month: str = "2026-01") -> PortfolioData:
    frames = to_frames(problem, month)
    return PortfolioData(frames["projects"], {}, frames["demand"], frames["capacity"], month)
