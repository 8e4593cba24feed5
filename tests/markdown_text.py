"""What a reader sees of Markdown source that `ui.text.md` escaped: CommonMark's backslash escapes
removed (a backslash before ASCII punctuation shows that character) and the invisible word joiners
that break bare autolinks dropped, for asserting on page text."""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(markdown: str) -> str:
    return _ESCAPE.sub(r"\1", markdown).replace("\u2060", "")
