"""`python cli.py template`: the blank import templates, as CSV files in a zip or as one workbook.

    python cli.py template --xlsx --lang zh --out 模板.xlsx     # one sheet per kind, example rows, drop-downs
    python cli.py template --lang en --out templates.zip       # the CSV templates (headers only) in a zip

Exit status: 0 written, 1 the file could not be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from commands._shared import say
from i18n import LANGUAGES, translate
from reports.xlsx_template import template_workbook
from store.contract import templates_zip


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("template", help="write the blank import templates (CSV zip, or --xlsx workbook)")
    parser.add_argument("--xlsx", action="store_true", help="one .xlsx workbook with a sheet per kind and example rows")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the headers and messages")
    parser.add_argument("--out", type=Path, required=True, help="file to write (.xlsx with --xlsx, else .zip)")
    parser.set_defaults(func=run_template)


def run_template(args: argparse.Namespace) -> int:
    data = template_workbook(args.lang) if args.xlsx else templates_zip(args.lang)
    try:
        args.out.write_bytes(data)
    except OSError as e:
        say(translate(args.lang, "importlimits.problem.cannot_open", message=f"{args.out}: {e.strerror or e}"))
        return 1
    say(translate(args.lang, "reading.template.written", lang=args.lang, path=args.out))
    return 0
