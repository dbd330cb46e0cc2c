"""Make text that came from data or uploads safe to put into HTML (tooltips, popups, markdown).

Folium tooltips/popups and ``st.markdown(unsafe_allow_html=True)`` render HTML: any name, note or
source that came from a file must pass through :func:`escape_text` first, and any link through
:func:`safe_url`.
"""

from __future__ import annotations

import html
import math

__all__ = ["escape_text", "safe_url"]


def escape_text(value: object) -> str:
    """Return ``value`` as text with ``& < > " '`` escaped; ``None`` and NaN become ``''``.

    >>> escape_text('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> escape_text(None), escape_text(float("nan")), escape_text(12.5)
    ('', '', '12.5')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if value is pd.NA:
            return ""
    except ImportError:  # pragma: no cover
        pass
    return html.escape(str(value), quote=True)


def safe_url(value: object) -> str:
    """Return ``value`` escaped if it is an http(s) URL, else ``''`` (no ``javascript:`` links).

    >>> safe_url("https://tjj.beijing.gov.cn/?a=1&b=2"), safe_url("javascript:alert(1)"), safe_url(None)
    ('https://tjj.beijing.gov.cn/?a=1&amp;b=2', '', '')
    """
    text = "" if value is None else str(value).strip()
    if not text.lower().startswith(("http://", "https://")):
        return ""
    return html.escape(text, quote=True)
