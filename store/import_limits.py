"""How much one import may read: the limits that keep a hostile or careless upload from exhausting the
shared server (see docs/import.md).

    limits = ImportLimits.from_env()          # defaults, overridden by LODESTAR_IMPORT_* variables

Every limit is checked while reading, from what was actually read, never from a zip's own header.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

MB = 1024 * 1024
ENV_PREFIX = "LODESTAR_IMPORT_"


@dataclass(frozen=True)
class ImportLimits:
    """The import's limits; each can be set with the environment variable named in its comment."""

    # LODESTAR_IMPORT_MAX_TOTAL_MB: uncompressed bytes of all files of one import together (CSV files
    # plus every zip member as expanded), in MB.
    max_total_mb: int = 512
    # LODESTAR_IMPORT_MAX_RATIO: how many times its own size a zip may expand to (zip bombs expand
    # hundreds of times; real CSV exports 5 to 30 times).
    max_ratio: int = 100
    # LODESTAR_IMPORT_RATIO_FREE_MB: expansion below this many MB is never refused for its ratio (a
    # tiny zip of a few repetitive rows may legitimately exceed the ratio).
    ratio_free_mb: int = 8
    # LODESTAR_IMPORT_MAX_VALUE_CHARS: characters of one number, date, month, enum, yes/no or score cell.
    max_value_chars: int = 1_000
    # LODESTAR_IMPORT_MAX_TEXT_CHARS: characters of one text, id or list cell.
    max_text_chars: int = 10_000

    @property
    def max_total_bytes(self) -> int:
        return self.max_total_mb * MB

    @property
    def ratio_free_bytes(self) -> int:
        return self.ratio_free_mb * MB

    def max_cell_chars(self, column_type: str) -> int:
        """The longest cell a column of this contract type accepts."""
        return self.max_text_chars if column_type in TEXT_TYPES else self.max_value_chars

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ImportLimits:
        """Defaults, with each field replaced by `LODESTAR_IMPORT_<FIELD>` when that holds a positive integer."""
        source = os.environ if environ is None else environ
        values = {}
        for item in fields(cls):
            text = source.get(ENV_PREFIX + item.name.upper(), "").strip()
            if text.isdigit() and int(text) > 0:
                values[item.name] = int(text)
        return cls(**values)


TEXT_TYPES = frozenset({"text", "id", "list"})
