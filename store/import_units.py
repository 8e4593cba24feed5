"""Units written in headers: `Approved Cost (k$)`, `预算（万元）`, `Budget [USD]`, `完成百分比 (%)`.

The header reader already matches such a header by the part before the bracket (`header_candidates`);
this module says which unit the bracket holds and compares a money column's unit with the snapshot's
currency unit. Values are never converted: a header in 元 imported into a 万元 snapshot is a warning
(`unit_mismatch`) naming both, so the analyst fixes the file or the snapshot's unit. Units are
compared by meaning (`万元` = `万`, `k$` = `kUSD` = `千美元`), and a unit not in the table below is
compared as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from store.contract import Column, header_candidates, normalise_header
from store.import_types import WARNING, Problem

_BRACKETED = re.compile(r"^(.*?)[(（\[【]([^()（）\[\]【】]*)[)）\]】]\s*$")
# Canonical unit -> spellings (compared after `_fold`). Money units only, plus percent.
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "元": ("元", "cny", "rmb", "¥", "yuan", "人民币", "人民币元"),
    "千元": ("千元", "kcny", "krmb", "k¥", "千人民币"),
    "万元": ("万元", "万", "万人民币", "10kcny", "wan", "wanyuan"),
    "百万元": ("百万元", "mcny", "mrmb", "m¥", "百万人民币"),
    "亿元": ("亿元", "亿", "亿人民币"),
    "USD": ("usd", "$", "us$", "美元", "dollars"),
    "kUSD": ("k$", "$k", "kusd", "usdk", "千美元", "thousandusd", "$000", "usd000", "usd'000", "$'000"),
    "MUSD": ("m$", "$m", "musd", "usdm", "百万美元", "millionusd", "$mn", "usdmn"),
    "EUR": ("eur", "€", "欧元"),
    "kEUR": ("k€", "€k", "keur", "eurk", "千欧元"),
    "%": ("%", "percent", "pct", "百分比"),
}


def _fold(text: str) -> str:
    return re.sub(r"[\s,]+", "", unicodedata.normalize("NFKC", text).strip().lower())


_UNIT_INDEX: dict[str, str] = {_fold(s): unit for unit, spellings in UNIT_SPELLINGS.items() for s in (unit, *spellings)}


def canonical_unit(text: str) -> str | None:
    """The unit a spelling means (`k$` -> `kUSD`, `万` -> `万元`), or None if it is not a known unit."""
    return _UNIT_INDEX.get(_fold(text))


def unit_in_header(header: str, column: Column) -> str | None:
    """The unit written in brackets after the column's name (`预算（万元）` -> `万元`), as written, or
    None when the header has no bracket, the bracket is the column's own name (`预算 (budget)`) or a
    unit that does not fit the column (a money unit on a non-money column, `%` on a column that
    takes no percent)."""
    match = _BRACKETED.match(header.strip())
    if match is None:
        return None
    inside = match.group(2).strip()
    if not inside or normalise_header(inside) in {normalise_header(column.name), normalise_header(column.zh)}:
        return None
    if normalise_header(header) in {normalise_header(column.name), normalise_header(column.zh)}:
        return None  # the whole header is the column's own spelling, e.g. 工期（月）
    unit = canonical_unit(inside)
    if unit is None:
        return None
    if unit == "%":
        return inside if column.percent is not None else None
    return inside if column.money else None


@dataclass
class HeaderUnits:
    """Units found in one file's headers: (column, unit as written), and mismatch warnings."""

    units: tuple[tuple[str, str], ...] = ()
    problems: list[Problem] = field(default_factory=list)


def header_units(file_name: str, header_row: int, match, currency_unit: str) -> HeaderUnits:
    """The units in a matched file's headers, each money unit compared with the snapshot's unit."""
    if match.kind is None:
        return HeaderUnits()
    found: list[tuple[str, str]] = []
    problems: list[Problem] = []
    wanted = canonical_unit(currency_unit) or _fold(currency_unit)
    for header, column in zip(match.headers, match.mapping, strict=True):
        if column is None or not header_candidates(header):
            continue
        unit = unit_in_header(header, column)
        if unit is None:
            continue
        found.append((column.name, unit))
        if column.money and (canonical_unit(unit) or _fold(unit)) != wanted:
            params = {"column_name": column.name, "unit": unit, "currency_unit": currency_unit}
            problems.append(Problem(file_name, header_row, header, header, "unit_mismatch", params, WARNING))
    return HeaderUnits(tuple(found), problems)
