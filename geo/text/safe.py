"""Make text that came from data or uploads safe to put into HTML (tooltips, popups, markdown) or a spreadsheet.

Folium tooltips/popups and ``st.markdown(unsafe_allow_html=True)`` render HTML: any name, note or
source that came from a file must pass through :func:`escape_text` first, and any link through
:func:`safe_url`.
"""

from __future__ import annotations

import html
import math

__all__ = ["FORMULA_PREFIXES", "escape_text", "safe_url", "spreadsheet_safe", "spreadsheet_text"]

#: A text cell starting with one of these is read as a formula (or DDE) by Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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



def spreadsheet_text(value: object) -> object:
    r"""Return ``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula.

    Numbers (including negative ones) are left alone: only text cells are neutralised (OWASP's
    advice on CSV injection).

    >>> spreadsheet_text('=HYPERLINK("http://x","y")'), spreadsheet_text("-1+2"), spreadsheet_text(-3.5)
    ('\'=HYPERLINK("http://x","y")', "'-1+2", -3.5)
    >>> spreadsheet_text("\tcmd"), spreadsheet_text("\rx"), spreadsheet_text("北京"), spreadsheet_text("")
    ("'\tcmd", "'\rx", '北京', '')
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe(df):
    """Return a copy of the DataFrame ``df`` whose text cells are passed through :func:`spreadsheet_text`.

    >>> import pandas as pd
    >>> spreadsheet_safe(pd.DataFrame({"a": ["=1+1", "ok"], "b": [-1, 2]})).to_dict("list")
    {'a': ["'=1+1", 'ok'], 'b': [-1, 2]}
    """
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(spreadsheet_text)
    out.columns = [spreadsheet_text(c) for c in out.columns]
    return out
