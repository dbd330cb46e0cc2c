"""What kind of page a figure was read from: government, official media, a repost, or other.

The host table is a dataset (``data/sources/hosts.csv`` with its sidecar, built by
``scripts/build_hosts.py``): a host matches a row when it equals the row's ``host`` or ends with
``"." + host``; the longest match wins, and a host in no row is ``other``. A source that is not a
web page (the demo generator's ``demo:…``) is ``generated``.

Pure (no Streamlit).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import pandas as pd

from geo.data.paths import SOURCES_DIR
from geo.data.provenance import ProvenanceError, read_meta
from geo.text.i18n import t

__all__ = [
    "HOSTS_PATH",
    "KINDS",
    "KIND_RANK",
    "kind_label",
    "read_hosts",
    "shown_url",
    "source_host",
    "source_kind",
    "source_kind_label",
    "source_kinds",
    "stronger",
]

HOSTS_PATH = SOURCES_DIR / "hosts.csv"
#: Source kinds, strongest first.
KINDS = ("government", "official_media", "repost", "other", "generated")
KIND_RANK = {k: i for i, k in enumerate(KINDS)}


@lru_cache(maxsize=1)
def read_hosts() -> dict[str, str]:
    """Return host -> kind from the shipped host table (raises ProvenanceError without its sidecar)."""
    read_meta(HOSTS_PATH)
    df = pd.read_csv(HOSTS_PATH, dtype=str, keep_default_na=False)
    bad = sorted(set(df["kind"]) - set(KINDS))
    if bad:
        raise ProvenanceError(f"{HOSTS_PATH.name}: unknown kinds {bad}")
    return dict(zip(df["host"].str.lower(), df["kind"], strict=False))


def source_host(url: object) -> str:
    """Return the lower-case host of an http(s) URL, else ``''``.

    >>> source_host("https://ZSCQJ.beijing.gov.cn/a?b=1"), source_host("demo:scripts/make_demo.py"), source_host(None)
    ('zscqj.beijing.gov.cn', '', '')
    """
    text = "" if url is None or (isinstance(url, float) and url != url) else str(url).strip()
    if not text.lower().startswith(("http://", "https://")):
        return ""
    return (urlsplit(text).hostname or "").lower().rstrip(".")


def shown_url(url: object) -> str:
    """Return ``url`` to show in a source-link column: a web address, or ``''`` (demo values name their method, not a page).

    >>> shown_url("https://zscqj.beijing.gov.cn/a"), shown_url("demo:make_demo"), shown_url(None)
    ('https://zscqj.beijing.gov.cn/a', '', '')
    """
    return str(url).strip() if source_host(url) else ""


def source_kind(url: object) -> str:
    """Return the kind of the page at ``url``: one of :data:`KINDS`.

    >>> source_kind("https://english.beijing.gov.cn/x"), source_kind("https://chinanews.com.cn/x")
    ('government', 'official_media')
    >>> source_kind("http://www.unitalen.com.cn/r.htm"), source_kind("https://example.org/"), source_kind("demo:x")
    ('repost', 'other', 'generated')
    >>> source_kind("https://gov.cn.example.com/"), source_kind("https://economy.china.com/a")
    ('other', 'repost')
    """
    host = source_host(url)
    if not host:
        return "generated"
    hosts = read_hosts()
    best = ""
    for h in hosts:
        if (host == h or host.endswith("." + h)) and len(h) > len(best):
            best = h
    return hosts[best] if best else "other"


def source_kinds(urls: pd.Series) -> pd.Series:
    """Return :func:`source_kind` of every URL in ``urls`` (same index)."""
    cache: dict[object, str] = {}
    return urls.map(lambda u: cache.setdefault(u, source_kind(u)))


def stronger(a: str, b: str) -> str:
    """Return the stronger of two kinds.

    >>> stronger("repost", "government"), stronger("other", "official_media")
    ('government', 'official_media')
    """
    return a if KIND_RANK.get(a, len(KINDS)) <= KIND_RANK.get(b, len(KINDS)) else b


def kind_label(kind: str, lang: str = "zh") -> str:
    """Return the readable name of a source kind.

    >>> kind_label("official_media"), kind_label("repost", "en")
    ('官方媒体', 'repost')
    """
    return t(f"kind.{kind}", lang)


def source_kind_label(kind: str, status: str, lang: str = "zh") -> str:
    """Return what a figure is and where it was read, e.g. ``官方数据 · 转载来源``.

    >>> source_kind_label("repost", "official"), source_kind_label("repost", "official", "en")
    ('官方数据 · 转载来源', 'official figure, via a repost')
    >>> source_kind_label("government", "official", "en"), source_kind_label("generated", "demo")
    ('official figure, from a government site', '演示数据(非官方)')
    >>> source_kind_label("official_media", "derived", "en")
    'derived from official figures, from official media'
    """
    if status == "demo" or kind == "generated":
        return t("status.demo", lang)
    if status not in ("official", "derived"):
        return t("status.no_official", lang)
    return t(f"kindlabel.{status}.{kind}", lang)
