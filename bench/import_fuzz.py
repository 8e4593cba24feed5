"""A seeded, longer fuzz run of the import: mutated contract files into a real DuckDB file.

    .venv/bin/python bench/import_fuzz.py --cases 10000 --seed 1

Each case (tests/import_fuzz_cases.py: byte flips, truncation, odd cells, long numbers, header changes,
dropped columns, corrupted and hand-built zips) goes through `store.importer.import_files` into one
database. Printed: cases, imported, refused (with named problems), duplicates of an earlier case,
refused imports that wrote something (target 0), and unexpected exceptions by type (target 0; those
the importer's last guard turned into a `read_failed` problem are listed as "(caught)"),
with the first case number of each type so it can be replayed with `--only N`.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store import db, snapshots  # noqa: E402
from store.importer import import_files  # noqa: E402
from tests.import_fuzz_cases import mutated_case  # noqa: E402


def case_rng(seed: int, number: int) -> random.Random:
    return random.Random(seed * 1_000_003 + number)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", type=int, default=None, help="replay one case number and show its traceback")
    args = parser.parse_args(argv)
    numbers = [args.only] if args.only is not None else list(range(args.cases))
    counts: collections.Counter[str] = collections.Counter()
    exceptions: collections.Counter[str] = collections.Counter()
    first_case: dict[str, int] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        con = db.connect(Path(tmp) / "fuzz.duckdb")
        for number in numbers:
            files = mutated_case(case_rng(args.seed, number))
            before = snapshots.snapshot_count(con)
            try:
                report = import_files(con, files, label=f"case {number}")
            except Exception as e:  # noqa: BLE001 - counting what escapes is the point
                name = type(e).__name__
                exceptions[name] += 1
                first_case.setdefault(name, number)
                if args.only is not None:
                    traceback.print_exc()
                continue
            counts["cases"] += 1
            caught = [str(p.params.get("error")) for p in report.problems if p.code == "read_failed"]
            for name in caught:  # caught by the importer's last guard: still a case no rule foresaw
                exceptions[f"{name} (caught)"] += 1
                first_case.setdefault(f"{name} (caught)", number)
            if report.snapshot_id is not None:
                counts["imported"] += 1
            elif report.duplicate_of is not None:
                counts["duplicate"] += 1
            else:
                counts["refused"] += 1
                if snapshots.snapshot_count(con) != before:
                    counts["refused_but_written"] += 1
        con.close()
    seconds = time.perf_counter() - started
    total = len(numbers)
    print(f"cases {total}  imported {counts['imported']}  refused {counts['refused']}  "
          f"duplicate {counts['duplicate']}  refused_but_written {counts['refused_but_written']}  "
          f"unexpected {sum(exceptions.values())}  ({seconds:.1f} s, seed {args.seed})")
    for name, count in exceptions.most_common():
        print(f"  {name}: {count} (first case {first_case[name]})")
    return 1 if exceptions or counts["refused_but_written"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
