"""`python cli.py mappings list | export | import`: saved column-mapping profiles (docs/mapping.md).

    python cli.py mappings list   [--db FILE] [--json]
    python cli.py mappings export NAME --out FILE.toml
    python cli.py mappings import FILE.toml [--name NAME]      # default name: the file's stem

`cli.py import` takes `--mapping FILE.toml`, `--profile NAME` and `--save-profile NAME` (helpers below);
files whose header row is that of a saved profile are mapped by it unless `--no-profiles` is given.
Exit status: 0 done, 2 refused input (a bad mapping, an unknown profile), 1 the database or a file
could not be used.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from commands._shared import database, report_error, say
from i18n import LANGUAGES, translate
from store import importer, mapping_profiles
from store.db import db_target
from store.errors import NotFound
from store.import_read import gather_paths, iter_sources
from store.mapping import FileMapping, Mapping, MappingError, from_toml


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("mappings", help="saved column-mapping profiles: list, export, import")
    actions = parser.add_subparsers(dest="mappings_command", required=True)
    listing = actions.add_parser("list", help="list the saved profiles")
    _common(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(func=run_list)
    export = actions.add_parser("export", help="write a saved profile as a TOML mapping file")
    _common(export)
    export.add_argument("name", help="profile name")
    export.add_argument("--out", type=Path, required=True, help="TOML file to write")
    export.set_defaults(func=run_export)
    imp = actions.add_parser("import", help="save a TOML mapping file as a profile")
    _common(imp)
    imp.add_argument("file", type=Path, help="TOML mapping file (docs/mapping.md)")
    imp.add_argument("--name", help="profile name (default: the file name without .toml)")
    imp.set_defaults(func=run_import_profile)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=db_target, default=None, help="DuckDB file or postgresql:// URI (default $LODESTAR_DB or data/lodestar.duckdb)")
    parser.add_argument("--lang", choices=LANGUAGES, default="en", help="language of messages")


def add_import_options(parser: argparse.ArgumentParser) -> None:
    """The mapping options of `cli.py import`."""
    parser.add_argument("--mapping", type=Path, help="TOML file mapping the files' columns to the contract (docs/mapping.md)")
    parser.add_argument("--profile", help="apply the saved mapping profile NAME")
    parser.add_argument("--save-profile", metavar="NAME", help="save the mapping used as profile NAME (with the files' headers)")
    parser.add_argument("--no-profiles", action="store_true", help="do not apply saved profiles by the files' headers")


def read_mapping_file(path: Path, lang: str) -> Mapping | None:
    """The mapping in `path`, or None after printing why it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        say(translate(lang, "mapping.cli.no_mapping_file", path=str(path), message=getattr(e, "strerror", None) or str(e)))
        return None
    try:
        return from_toml(text)
    except MappingError as e:
        report_error(lang, e)
        return None


def import_mapping(args: argparse.Namespace, con, lang: str, mapping: Mapping | None) -> Mapping | None:
    """`--mapping` followed by the files of `--profile` (raises NotFound for an unknown profile)."""
    if not getattr(args, "profile", None):
        return mapping
    profile = mapping_profiles.get_profile(con, args.profile)
    return Mapping((*(mapping.files if mapping else ()), *profile.files))


def say_mapped(report: importer.ImportReport, lang: str) -> None:
    """One line per file that a mapping or a saved profile shaped."""
    for name, profile in report.mapped.items():
        how = translate(lang, "mapping.cli.profile", name=profile) if profile else translate(lang, "mapping.cli.mapping_file")
        say(translate(lang, "mapping.cli.applied", file=name, how=how))


def save_used_profile(con, args: argparse.Namespace, mapping: Mapping, lang: str) -> None:
    """`--save-profile NAME`: the files of `mapping` that shaped these files, each with its header row."""
    raws, _ = gather_paths(args.paths)
    files: list[FileMapping] = []
    for source in iter_sources(raws):  # each CSV file, each sheet of a workbook
        chosen = mapping.for_file(source.name, source.headers) if source.readable else None
        if chosen is not None:
            files.append(FileMapping(chosen.kind, chosen.columns, chosen.match, chosen.values, tuple(source.headers)))
    if files:
        profile_id = mapping_profiles.save_profile(con, args.save_profile, Mapping(tuple(files)), actor=None)
        say(translate(lang, "mapping.cli.saved", name=args.save_profile, profile_id=profile_id))


def run_list(args: argparse.Namespace) -> int:
    with database(args.db, args.lang) as con:
        profiles = mapping_profiles.list_profiles(con)
    if args.json:
        print(json.dumps([{"name": p.name, "profile_id": p.profile_id, "created_at": p.created_at.isoformat(),
                           "created_by": p.created_by, "kinds": list(p.kinds), "headers": [list(h) for h in p.headers]}
                          for p in profiles], ensure_ascii=False, indent=2))
        return 0
    if not profiles:
        say(translate(args.lang, "mapping.cli.none"))
        return 0
    for p in profiles:
        print(f"{p.name}\t{', '.join(p.kinds)}\t{p.created_at:%Y-%m-%d %H:%M}\t{p.created_by or ''}")
        for headers in p.headers:
            line = (translate(args.lang, "mapping.cli.by_headers", headers=", ".join(headers)) if headers
                    else translate(args.lang, "mapping.cli.by_name_only"))
            print(f"  {line}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    lang = args.lang
    with database(args.db, lang) as con:
        try:
            mapping = mapping_profiles.get_profile(con, args.name)
        except (NotFound, MappingError) as e:
            report_error(lang, e)
            return 2
    try:
        args.out.write_text(mapping.to_toml(), encoding="utf-8")
    except OSError as e:
        say(translate(lang, "mapping.cli.cannot_write", path=str(args.out), message=e.strerror or str(e)))
        return 1
    say(translate(lang, "mapping.cli.exported", name=args.name, path=str(args.out)))
    return 0


def run_import_profile(args: argparse.Namespace) -> int:
    lang = args.lang
    mapping = read_mapping_file(args.file, lang)
    if mapping is None:
        return 2
    name = args.name or args.file.stem
    with database(args.db, lang) as con:
        try:
            profile_id = mapping_profiles.save_profile(con, name, mapping, actor=None)
        except MappingError as e:
            report_error(lang, e)
            return 2
    say(translate(lang, "mapping.cli.saved", name=" ".join(name.split()), profile_id=profile_id))
    return 0
