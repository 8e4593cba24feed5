"""Numbers as a reader sees them, in the reader's language: the one formatting home (Babel).

Analytics hands numbers over as numbers (a `Reason`'s parameters, utilisation, money); pages, the
command line and the exports turn them into text here, so "1,234.50", "23.4%" and "∞" look the same
everywhere and follow the reader's locale (`LOCALES`).

- `number(value, lang, digits)`: grouped, fixed decimals; "—" for None/NaN, "∞" for +inf;
- `percent(share, lang, digits)`: a share (0.234) as a percentage ("23.4%");
- `money(value, unit, lang, digits)`: a number with the snapshot's currency unit ("1,234.5 万元");
- `utilisation_text(value, lang)`: the product's utilisation (`analytics.metrics`): a percentage,
  "∞" for work with no capacity at all, "—" where nothing is demanded or available;
- `reason_params(params, lang)`: a `Reason`'s parameters ready for its message: shares
  (`SHARE_PARAMS`) as percentages, other fractional numbers with `REASON_DIGITS` decimals, whole
  numbers (counts, years) as they are, lists joined the way the language joins them, text unchanged;
- `reason_text(lang, code, params)`: the reason's message `explain.<code>`, or the bare code when the
  catalogue has no text for it (or the text needs a parameter the reason lacks).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal

from i18n import translate

LOCALES: dict[str, str] = {"zh": "zh_Hans_CN", "en": "en"}
BLANK = "—"
INFINITY = "∞"
REASON_DIGITS = 2                                   # decimals of the numbers inside a reason
# Reason parameters that are shares 0-1, with the decimals their percentage shows.
SHARE_PARAMS: dict[str, int] = {"gap": 2, "share": 1, "limit": 1}
LIST_SEPARATOR: dict[str, str] = {"zh": "、", "en": ", "}


def _pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def _special(value: float | None) -> str | None:
    if value is None:
        return BLANK
    number = float(value)
    if math.isnan(number):
        return BLANK
    if math.isinf(number):
        return INFINITY if number > 0 else "-" + INFINITY
    return None


def number(value: float | None, lang: str, digits: int = 1) -> str:
    """A grouped number with `digits` decimals in the reader's locale."""
    special = _special(value)
    if special is not None:
        return special
    locale = LOCALES.get(lang, "en")
    if digits >= 0 and _plain_locale(locale):
        text = _plain(float(value), digits)
        if text is not None:
            return text
    return format_decimal(float(value), format=_pattern(digits), locale=locale)


def _plain(value: float, digits: int) -> str | None:
    """Babel's own steps for a locale that writes "-1,234.5": the float's shortest text as a Decimal,
    rounded half-even to `digits`, grouped by three with "," (~2 µs against Babel's ~500 µs: a
    2,500-row table has 12,000 numbers). None when the Decimal context cannot hold it."""
    try:
        return f"{Decimal(str(value)).quantize(_QUANTUM[digits] if digits < len(_QUANTUM) else Decimal(1).scaleb(-digits)):,f}"
    except InvalidOperation:
        return None


_QUANTUM = tuple(Decimal(1).scaleb(-d) for d in range(8))
# Probes whose Babel text shows a locale's symbols: "." decimal, "," every three digits, "-" minus.
_PLAIN_PROBES = ((-1234567.891, 2, "-1,234,567.89"), (12345.65, 1, "12,345.6"), (0.5, 0, "0"), (-0.04, 1, "-0.0"))


@functools.cache
def _plain_locale(locale: str) -> bool:
    """True when Babel writes numbers of `locale` as "-1,234,567.89" (en and zh_Hans_CN do)."""
    return all(format_decimal(v, format=_pattern(d), locale=locale) == text for v, d, text in _PLAIN_PROBES)


def percent(share: float | None, lang: str, digits: int = 0) -> str:
    """A share (0.25) as a percentage ("25%")."""
    special = _special(share)
    if special is not None:
        return special
    return number(100.0 * float(share), lang, digits) + "%"


def money(value: float | None, unit: str, lang: str, digits: int = 1) -> str:
    """A number with the currency unit: "1,234.5 万元" in English, "1,234.5万元" in Chinese."""
    text = number(value, lang, digits)
    if text == BLANK or not unit:
        return text
    return f"{text} {unit}" if lang == "en" else f"{text}{unit}"


def utilisation_text(value: float | None, lang: str, digits: int = 0) -> str:
    """Utilisation as shown in tables and heat maps (see the module doc)."""
    return percent(value, lang, digits)


def _param(name: str, value: Any, lang: str) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.get(lang, ", ").join(str(_param(name, v, lang)) for v in value)
    if isinstance(value, int):
        return str(value)   # counts, years, months: never grouped ("2027", not "2,027")
    if isinstance(value, float):
        if name in SHARE_PARAMS:
            return percent(value, lang, SHARE_PARAMS[name])
        return number(value, lang, REASON_DIGITS)
    return value


def reason_params(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A reason's parameters formatted for `lang` (see the module doc)."""
    return {name: _param(name, value, lang) for name, value in params.items()}


def reason_text(lang: str, code: str, params: Mapping[str, Any]) -> str:
    """The message of one reason (`explain.<code>`) in `lang`; the bare code if there is none."""
    try:
        return translate(lang, f"explain.{code}", **reason_params(params, lang))
    except (KeyError, IndexError, ValueError):
        return code
