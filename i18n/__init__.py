"""Message catalogues: `i18n/<lang>/<area>.json`, one flat key -> text map per area and language.

Every language must have exactly the same keys (a test checks). Texts use `str.format` placeholders:
`translate("zh", "data.rows", n=3)`. Keys are namespaced by area (`app.`, `data.`, `strategy.` ...).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("zh", "en")
LANGUAGE_NAMES: dict[str, str] = {"zh": "简体中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
_DIR = Path(__file__).resolve().parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, merged over its area files."""
    if lang not in LANGUAGES:
        raise KeyError(f"unsupported language {lang!r}")
    merged: dict[str, str] = {}
    for file in sorted((_DIR / lang).glob("*.json")):
        part = json.loads(file.read_text(encoding="utf-8"))
        clash = set(part) & set(merged)
        if clash:
            raise ValueError(f"{file.name}: keys defined twice: {sorted(clash)[:5]}")
        merged.update(part)
    return merged


def translate(lang: str, key: str, /, **params: object) -> str:
    """The message for `key` in `lang`, formatted with `params`. A missing key raises KeyError."""
    text = catalogue(lang)[key]
    return text.format(**params) if params else text


def has_key(lang: str, key: str) -> bool:
    return key in catalogue(lang)


def language_from_locale(locale: str | None) -> str:
    """Map a browser locale such as 'en-US' or 'zh-CN' to a supported language."""
    if not locale:
        return DEFAULT_LANGUAGE
    primary = locale.replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else ("en" if primary else DEFAULT_LANGUAGE)


class TranslatableError(Exception):
    """Base of every domain error: `key` is a message key, `params` fills its placeholders.

    `params` always has `message` (the English developer text), so a generic message can show it.
    """

    key = "app.error"

    def __init__(self, message: str = "", *, key: str | None = None, **params: object) -> None:
        super().__init__(message or self.__class__.__name__)
        if key is not None:
            self.key = key
        params.setdefault("message", message or self.__class__.__name__)
        self.params = params


def error_text(lang: str, error: TranslatableError, escape: Callable[[str], str] | None = None) -> str:
    """The error's message in `lang`; the generic message when its key or a placeholder is missing.

    `escape` is applied to every text parameter (names people typed), e.g. `ui.text.md` on a page.
    """
    shown = escape or (lambda text: text)
    params = {name: shown(value) if isinstance(value, str) else value for name, value in error.params.items()}
    try:
        return translate(lang, error.key, **params)
    except (KeyError, IndexError):
        return translate(lang, "app.error", message=shown(str(error)))
