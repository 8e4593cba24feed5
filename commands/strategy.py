"""`python cli.py ahp`: AHP weights and consistency of a pairwise comparison matrix in a CSV file.

The CSV is square with names in the first row and the first column (the top-left cell is free):

    ,growth,efficiency,compliance
    growth,1,3,5
    efficiency,1/3,1,
    compliance,1/5,,1

Cells hold numbers or fractions (`1/3`); a blank cell is a missing judgement (completed by Harker's
method for `eigen`, by logarithmic least squares for `geometric`). Only one triangle needs filling.
Several `--matrix` files (one per person, same names) are combined by the element-wise geometric
mean first. Exit status 0 ok, 2 when the input is refused (message on stderr in `--lang`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analytics.ahp import METHODS, AhpResult, aggregate_judgements, ahp_weights
from analytics.ahp_csv import MatrixFileError, parse_matrix_csv
from analytics.errors import AnalyticsError
from i18n import LANGUAGES, translate


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ahp", help="AHP weights, lambda_max, CI and CR of a pairwise matrix CSV")
    parser.add_argument("--matrix", required=True, action="append", type=Path,
                        help="square CSV, names in the first row and column; repeat for a group")
    parser.add_argument("--method", choices=METHODS, default="eigen")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")
    parser.set_defaults(func=run_ahp)


def read_matrix_csv(file: Path) -> tuple[list[str], list[list[float | None]]]:
    """(names, matrix with None for blank cells) from a square CSV file (see `analytics.ahp_csv`)."""
    try:
        raw = file.read_bytes()
    except OSError as e:
        raise MatrixFileError(str(e), key="strategy.error.matrix_unreadable", file=str(file)) from e
    return parse_matrix_csv(file.name, raw)


def result_to_dict(names: list[str], result: AhpResult) -> dict:
    worst = result.most_inconsistent
    return {
        "objectives": names,
        "method": result.method,
        "weights": dict(zip(names, result.weights, strict=True)),
        "lambda_max": result.lambda_max,
        "consistency_index": result.consistency_index,
        "consistency_ratio": result.consistency_ratio,
        "random_index": result.random_index,
        "acceptable": result.acceptable,
        "missing": [[names[i], names[j]] for i, j in result.missing],
        "completed_matrix": [list(row) for row in result.completed_matrix],
        "most_inconsistent": None if worst is None else {
            "row": names[worst.i], "column": names[worst.j], "value": worst.value,
            "consistent_value": worst.consistent_value, "suggested_value": worst.suggested_value,
            "consistency_ratio_after": worst.consistency_ratio_after,
        },
    }


def _print_text(payload: dict, lang: str) -> None:
    width = max(len(n) for n in payload["objectives"])
    for name, weight in sorted(payload["weights"].items(), key=lambda kv: -kv[1]):
        print(f"{name:<{width}}  {weight:.4f}")
    print(translate(lang, "strategy.cli.summary", lambda_max=f"{payload['lambda_max']:.4f}",
                    ci=f"{payload['consistency_index']:.4f}", cr=f"{payload['consistency_ratio']:.4f}"))
    worst = payload["most_inconsistent"]
    if worst is not None and not payload["acceptable"]:
        print(translate(lang, "strategy.cli.fix", row=worst["row"], column=worst["column"],
                        value=f"{worst['value']:g}", suggested=f"{worst['suggested_value']:.3g}",
                        cr_after=f"{worst['consistency_ratio_after']:.3f}"))


def run_ahp(args: argparse.Namespace) -> int:
    try:
        read = [read_matrix_csv(f) for f in args.matrix]
        names = read[0][0]
        if any(other != names for other, _ in read[1:]):
            raise MatrixFileError("the matrices name different objectives", key="strategy.error.matrix_names",
                                  file=", ".join(f.name for f in args.matrix))
        matrix = read[0][1] if len(read) == 1 else aggregate_judgements([m for _, m in read])
        result = ahp_weights(matrix, args.method)
    except AnalyticsError as e:
        print(translate(args.lang, e.key, **e.params), file=sys.stderr)
        return 2
    payload = result_to_dict(names, result)
    payload["matrices"] = len(read)
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_text(payload, args.lang)
    return 0
