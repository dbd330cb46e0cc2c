"""Serving the atlas to an office: HAProxy + N app processes + one PostgreSQL (``./atlas serve``).

Not part of ``geo/`` (it starts processes). Modules: :mod:`deploy.stack` (the orchestration and
the command), :mod:`deploy.haproxy` (the config template ``haproxy.cfg.tmpl``, rendering, checks,
the runtime API), :mod:`deploy.postgres` (a server of our own from Debian's binaries),
:mod:`deploy.warmup` (runs the map page once on a new worker; the only module that uses
Streamlit, for its websocket protocol messages).
"""
