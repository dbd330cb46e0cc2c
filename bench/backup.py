"""How long ./atlas backup and ./atlas restore take, and how big the file is (prints figures; not a test).

``.venv/bin/python -m bench.backup [--revisions N]``: fills a throwaway store on SQLite and on a
throwaway PostgreSQL (Debian's binaries, as ``./atlas serve``; skipped with the reason if none can
start) with N imports of 160 official rows each, then times a backup and a restore (with its
safety copy of the target) of it.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from geo.access import Actor
from geo.data.names import BEIJING_DISTRICTS
from geo.imports.backup import backup, restore
from geo.imports.parse import Source
from geo.imports.store import Store

SOURCE = Source("北京统计年鉴2024", "https://tjj.beijing.gov.cn/", "8-10")
WRITER = Actor("bench", "editor", "cli")


def _rows(k: int) -> pd.DataFrame:
    return pd.DataFrame([{
        "region_code": code, "region_name_zh": zh, "year": year, "as_of": "", "indicator": "invention_patents_in_force",
        "value": float(k), "unit": "件", "status": "official", "source_value": str(k), "source_unit": "件",
        "source_url": SOURCE.url, "source_note": "", "formula": "", "primary": True,
    } for code, (zh, _en) in BEIJING_DISTRICTS.items() for year in range(2015, 2025)])


def measure(url: str, folder: Path, revisions: int) -> dict[str, float]:
    store = Store(url)
    for k in range(1, revisions + 1):
        store.save_import(_rows(k), SOURCE, WRITER)
    store.engine.dispose()
    file = folder / "backup.tar"
    started = time.perf_counter()
    made = backup(url, file)
    took_backup = time.perf_counter() - started
    started = time.perf_counter()
    restore(file, url, before=folder / "before.tar")
    took_restore = time.perf_counter() - started
    return {"revisions": made.revisions, "file_kb": file.stat().st_size / 1024, "backup_s": took_backup,
            "restore_s": took_restore}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--revisions", type=int, default=50)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="atlas-bench-backup-"))
    base.chmod(0o755)  # as root, the 'postgres' user must reach the server's folder
    try:
        results = {"sqlite": measure(f"sqlite:///{base / 'atlas.sqlite'}", base, args.revisions)}
        from deploy.postgres import LocalPostgres, PostgresUnavailable

        try:
            server = LocalPostgres(base / "pg", fsync=False)
            server.start()
        except PostgresUnavailable as exc:
            print(f"postgresql: skipped ({exc})")
        else:
            try:
                results["postgresql"] = measure(server.url(), base, args.revisions)
            finally:
                server.stop()
        for backend, r in results.items():
            print(f"{backend}: {r['revisions']} revisions ({r['revisions'] * 160:,} stored rows): backup "
                  f"{r['backup_s']:.2f} s, file {r['file_kb']:,.0f} KB; restore (with its safety copy) {r['restore_s']:.2f} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
