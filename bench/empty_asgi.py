"""The empty page (``empty_app.py``) served as ``./atlas run`` serves the atlas: inside ``st.App`` with the
same compression and cache policy (``ui/webassets.py``) but without the first view, so the framework's
floor is measured alike."""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, for ui/
from starlette.middleware import Middleware

from ui.webassets import AssetPolicy

app = st.App("empty_app.py", middleware=[Middleware(AssetPolicy, first_view=False)])  # the floor: no first view
