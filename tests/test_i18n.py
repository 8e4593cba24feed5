"""Message catalogues: same keys in every language, placeholders that agree, no empty text."""

from __future__ import annotations

import re

import pytest

from i18n import LANGUAGES, catalogue, language_from_locale, translate

PLACEHOLDER = re.compile(r"\{(\w+)[^}]*\}")


def test_every_language_has_the_same_keys():
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    reference = keys["en"]
    for lang, found in keys.items():
        assert found - reference == set(), f"{lang} has extra keys"
        assert reference - found == set(), f"{lang} misses keys"


def test_placeholders_agree_and_texts_are_not_empty():
    for key, english in catalogue("en").items():
        chinese = catalogue("zh")[key]
        assert english.strip() and chinese.strip(), key
        assert set(PLACEHOLDER.findall(english)) == set(PLACEHOLDER.findall(chinese)), key


def test_translate_formats_and_missing_key_raises():
    assert translate("en", "store.snapshot_not_found", snapshot_id=7) == "Snapshot 7 does not exist."
    assert translate("zh", "store.snapshot_not_found", snapshot_id=7) == "数据快照 7 不存在。"
    with pytest.raises(KeyError):
        translate("en", "no.such.key")


@pytest.mark.parametrize(("locale", "lang"), [("en-US", "en"), ("zh-CN", "zh"), ("zh_TW", "zh"), (None, "zh"), ("de-DE", "en")])
def test_language_from_locale(locale, lang):
    assert language_from_locale(locale) == lang


def test_domain_errors_translate_and_fall_back():
    from analytics.errors import InvalidInput
    from i18n import error_text
    from store.errors import SnapshotNotFound

    assert error_text("zh", SnapshotNotFound("gone", snapshot_id=3)) == "数据快照 3 不存在。"
    assert error_text("en", InvalidInput("weights must be positive")) == "Invalid input: weights must be positive"
    unknown = InvalidInput("odd", key="no.such.key")
    assert error_text("en", unknown) == "Something went wrong: odd"
