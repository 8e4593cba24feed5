"""Peak memory of `cli.py import --check` on zip bombs (the cases of issue 13 §2).

    .venv/bin/python bench/import_bombs.py                  # both cases, built in a temporary folder
    .venv/bin/python bench/import_bombs.py --case ratio     # one case

Cases (built streamed, never whole in memory):
  ratio   projects.csv of one repeated row expanding to 500 MB (about 1.3 MB zipped)
  total   the same row expanding to 1.9 GB (about 5 MB zipped)
  liar    a 200 MB member whose central header declares 1 KB
Each runs `cli.py import --check` in its own process under `/usr/bin/time -v`; printed: exit status,
peak resident set size (MB), seconds, and the first line the command printed.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = b"project_id,name,status,start_month,duration_months,budget\n"
ROW = b"P001,Same project again,active,2026-01,12,1200\n"
CASES = {"ratio": 500 * 1024**2, "total": 1900 * 1024**2, "liar": 200 * 1024**2}


def write_bomb(path: Path, size: int, *, declared: int | None = None, member: str = "projects.csv") -> Path:
    """A deflated zip whose one CSV member expands to about `size` bytes of a repeated row.

    With `declared`, the central directory says the member is `declared` bytes (a lying header).
    """
    chunk = ROW * (1024 * 1024 // len(ROW))
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(member, "w", force_zip64=size > 2**31) as out,
    ):
        out.write(HEADER)
        written = len(HEADER)
        while written < size:
            out.write(chunk)
            written += len(chunk)
    if declared is not None:
        raw = bytearray(path.read_bytes())
        at = raw.find(b"PK\x01\x02")
        raw[at + 24 : at + 28] = struct.pack("<I", declared)
        path.write_bytes(bytes(raw))
    return path


def measure(zip_path: Path) -> dict[str, object]:
    """Exit status, peak RSS (MB), seconds and first message of `cli.py import --check` on `zip_path`."""
    command = ["/usr/bin/time", "-v", sys.executable, str(ROOT / "cli.py"), "import", "--check", "--db",
               str(zip_path.with_suffix(".duckdb")), str(zip_path)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    peak_kb = next(int(line.split()[-1]) for line in done.stderr.splitlines() if "Maximum resident set size" in line)
    messages = [line for line in done.stderr.splitlines() if not line.startswith("\t") and "Command" not in line]
    return {"status": done.returncode, "peak_mb": peak_kb / 1024, "seconds": seconds,
            "message": messages[0] if messages else ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.case or list(CASES):
            path = write_bomb(Path(tmp) / f"{case}.zip", CASES[case], declared=1024 if case == "liar" else None)
            result = measure(path)
            print(f"{case:6} zip {path.stat().st_size / 1024**2:6.2f} MB  expands {CASES[case] / 1024**2:6.0f} MB  "
                  f"exit {result['status']}  peak {result['peak_mb']:7.0f} MB  {result['seconds']:6.1f} s  "
                  f"{str(result['message'])[:100]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
