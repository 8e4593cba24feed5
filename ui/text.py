"""User text shown as text: the one place that escapes what people typed (names, labels, reasons).

Streamlit renders Markdown in `st.markdown`, `st.caption`, alerts, metric and widget labels, tabs,
expanders and radio options; a project called `![i](http://host/p.png)` would make every reader's
browser fetch that address, and `[x](http://host)` would show a link. Plotly renders a small HTML
subset (`<a href>`, `<b>`, `<br>`) in titles, labels, ticks and hover texts.

    st.caption(t("overview.plan", name=md(scenario_name)))   # Markdown contexts
    go.Bar(x=[plot(name) for name in names])                  # Plotly texts

Every ASCII punctuation character may be backslash-escaped in CommonMark, and escaping all of them
defeats links, images, emphasis, HTML, Streamlit's `:color[...]` directives and `$...$` maths.
GFM's bare autolinks (`http://x.y`, `www.x.y`, `a@x.y`) are found after the escapes are resolved,
so escaping cannot stop them (a browser test saw an escaped `http://evil.example` become a link): a
WORD JOINER (U+2060, invisible and zero-width) goes after `http`/`https` before `://`, after `www`
before `.` and after `@`, which no autolink pattern accepts. Line breaks become spaces: one name
is one line.
"""

from __future__ import annotations

import html
import re
import string

_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_AUTOLINK_STARTS = re.compile(r"https?(?=://)|www(?=\.)|@", re.IGNORECASE)
WORD_JOINER = "\u2060"


def md(value: object) -> str:
    """`value` as literal text inside Streamlit Markdown (None becomes an empty string)."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _AUTOLINK_STARTS.sub(lambda start: start.group(0) + WORD_JOINER, text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def plot(value: object) -> str:
    """`value` as literal text inside a Plotly title, label, tick or hover text."""
    if value is None:
        return ""
    return html.escape(_LINE_BREAKS.sub(" ", str(value)), quote=False)
