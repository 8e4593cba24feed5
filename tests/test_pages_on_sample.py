"""The delivery-side pages open on the bundled sample (six snapshots) in both languages, with charts, without an error."""

from __future__ import annotations

import pytest

from tests import delivery_data


@pytest.mark.parametrize("page", ["views/delivery.py", "views/resources.py", "views/maturity.py"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_on_the_sample_bundle(sample_db_file, monkeypatch, page, lang):
    monkeypatch.setenv("LODESTAR_DB", str(sample_db_file))
    at = delivery_data.open_clean(page, lang, delivery_data.latest_snapshot(sample_db_file))
    assert at.get("plotly_chart")
