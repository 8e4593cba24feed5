"""Reproducible Office files: the same pack gives the same bytes.

openpyxl and python-pptx stamp the save time into `docProps/core.xml` and into every zip entry, so
two downloads of one scenario would differ. `fix_zip_timestamps` rewrites both with a given moment
(the pack's date), also inside embedded workbooks (a PowerPoint chart keeps its data in one), which lets the CLI and the page be checked to produce identical files and lets a
PMO compare checksums of what was sent to the committee.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fix_zip_timestamps(data: bytes, when: dt.datetime) -> bytes:
    """The same Office package with every timestamp set to `when` (entries keep their order)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), content)
            elif info.filename.endswith(".xlsx") and zipfile.is_zipfile(io.BytesIO(content)):
                # a chart's data workbook embedded in a deck carries its own save time
                content = fix_zip_timestamps(content, when)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return buffer.getvalue()
