"""ui.text: user text shown as text in Markdown and in Plotly."""

from __future__ import annotations

import pytest

from i18n import error_text
from store.scenarios import DuplicateScenarioName
from ui.text import WORD_JOINER, md, plot

J = WORD_JOINER


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("![i](http://host/p.png)", rf"\!\[i\]\(http{J}\:\/\/host\/p\.png\)"),
        ("[x](http://evil)", rf"\[x\]\(http{J}\:\/\/evil\)"),
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


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        # GFM finds bare links after escapes are resolved: a word joiner breaks each pattern
        ("see https://evil.example/x", rf"see https{J}\:\/\/evil\.example\/x"),
        ("WWW.evil.example", rf"WWW{J}\.evil\.example"),
        ("mail a.b@evil.example", rf"mail a\.b\@{J}evil\.example"),
        ("mailto:a@evil.example", rf"mailto\:a\@{J}evil\.example"),
        ("http 2 www", "http 2 www"),
    ],
)
def test_md_breaks_gfm_bare_autolinks(raw, escaped):
    assert md(raw) == escaped


def test_plot_escapes_html_only():
    assert plot('<a href="http://evil">x</a> & <b>') == '&lt;a href="http://evil"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'
    assert plot("PRJ-1 [云] (A)") == "PRJ-1 [云] (A)"
    assert plot(None) == ""
    assert plot("a\nb") == "a b"


def test_error_text_escapes_text_parameters_only():
    error = DuplicateScenarioName("name taken", name="![i](http://host/p.png)")
    assert error_text("en", error) == 'Another scenario of this snapshot is already called "![i](http://host/p.png)".'
    assert error_text("en", error, escape=md) == (
        rf'Another scenario of this snapshot is already called "\!\[i\]\(http{J}\:\/\/host\/p\.png\)".'
    )
