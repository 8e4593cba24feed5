"""Lodestar command line: `python cli.py COMMAND ...` (see `python cli.py --help`).

Each module in `commands/` registers its own sub-commands through `register(subparsers)`; a command
returns its exit status (0 ok, 2 refused input, 1 other failure).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import commands
from commands._shared import CommandFailed


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description="Lodestar 项目组合决策台 command line")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # shared helpers, not commands
            continue
        module = importlib.import_module(f"commands.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CommandFailed as e:
        return e.status


if __name__ == "__main__":
    sys.exit(main())
