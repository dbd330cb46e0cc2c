"""The server entry of ``./atlas run`` and of ``./atlas serve``'s workers: ``app.py`` in Streamlit's own
ASGI app (``st.App``), with the atlas's compression and cache policy around it (``ui/webassets.py``).

``streamlit run asgi.py`` finds ``app`` here and serves it with uvicorn, taking the same options and
``.streamlit/config.toml`` as ``streamlit run app.py``. Streamlit itself is not patched.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.webassets import AssetPolicy

app = st.App("app.py", middleware=[Middleware(AssetPolicy)])
