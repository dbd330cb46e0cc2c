"""Streamlit glue shared by the pages: cached data access, language, the shared sidebar.

This is the only package besides ``views/`` and ``app.py`` that imports Streamlit; ``geo/`` stays pure.
"""
