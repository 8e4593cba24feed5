"""Data (数据): blank templates, upload and check CSV files, import them as a snapshot, manage snapshots."""

from __future__ import annotations

import streamlit as st

from analytics.errors import AnalyticsError
from store.errors import StoreError
from ui import data as view
from ui.session import ensure_router, show_error, t
from ui.widget_texts import translate_uploader

ensure_router()

st.title(t("data.title"))
st.caption(t("data.intro"))
view.show_flash()

with st.expander(t("data.templates.title")):
    view.templates_section()

st.subheader(t("data.upload.title"))
uploads = st.file_uploader(
    t("data.upload.label"), type=view.UPLOAD_TYPES, accept_multiple_files=True, key=view.uploader_key(),
    help=t("data.upload.help"),
)
translate_uploader("data_uploads_", view.UPLOAD_TYPES)
if not uploads:
    st.info(t("data.upload.empty"))
else:
    files = [(upload.name, upload.getvalue()) for upload in uploads]
    try:
        with st.spinner(t("data.upload.checking")):
            report = view.check_uploads(files)
        view.show_report(report)
        view.import_form(files, report)
    except (StoreError, AnalyticsError) as e:
        show_error(e)

st.subheader(t("data.snapshots.title"))
try:
    view.snapshots_section()
except (StoreError, AnalyticsError) as e:
    show_error(e)
