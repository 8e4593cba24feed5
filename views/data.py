"""Data (数据): blank templates, upload and check CSV files or workbooks, import them as a snapshot, manage snapshots."""

from __future__ import annotations

import streamlit as st

from ui import data as view
from ui import data_mapping
from ui.auth import can
from ui.session import page_guard, page_header, t
from ui.widget_texts import translate_uploader

page_header("data.title", "data.intro")
view.show_flash()

with st.expander(t("data.templates.title")):
    view.templates_section()

st.subheader(t("data.upload.title"))
uploads = st.file_uploader(
    t("reading.upload.label"), type=view.UPLOAD_TYPES, accept_multiple_files=True, key=view.uploader_key(),
    help=t("reading.upload.help"), disabled=not can("import"),
)
translate_uploader("data_uploads_", view.UPLOAD_TYPES)
date_order = view.date_order_select()
if not uploads:
    st.info(t("data.upload.empty"))
else:
    files = [(upload.name, upload.getvalue()) for upload in uploads]
    with page_guard(stop=False):
        mapping = data_mapping.active_mapping(files)
        with st.spinner(t("data.upload.checking")):
            report = view.check_uploads(files, date_order, mapping)
        data_mapping.show_mapped(report)
        view.show_report(report)
        data_mapping.mapping_step(files, report)
        view.import_form(files, report, date_order, mapping)

st.subheader(t("data.snapshots.title"))
with page_guard():
    view.snapshots_section()
