"""ui.text: user text shown as text in Markdown and in Plotly."""

from __future__ import annotations

import pytest

from ui.text import md, plot


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("![i](http://host/p.png)", r"\!\[i\]\(http\:\/\/host\/p\.png\)"),
        ("[x](http://evil)", r"\[x\]\(http\:\/\/evil\)"),
        ("**bold** _it_", r"\*\*bold\*\* \_it\_"),
        (":red[alarm] $x$", r"\:red\[alarm\] \$x\$"),
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("a\nb\r\nc", "a b c"),
        ("云平台升级 2026", "云平台升级 2026"),
        (None, ""),
        (12.5, r"12\.5"),
    ],
)
def test_md_escapes_every_markdown_character(raw, escaped):
    assert md(raw) == escaped


def test_plot_escapes_html_only():
    assert plot('<a href="http://evil">x</a> & <b>') == '&lt;a href="http://evil"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'
    assert plot("PRJ-1 [云] (A)") == "PRJ-1 [云] (A)"
    assert plot(None) == ""
    assert plot("a\nb") == "a b"
