"""Import official figures from the command line (``./atlas import FILE --source-title … --source-url …``).

The same parser, checks and store as the Import page: problems are printed with their row and
column (Chinese, then English) and the exit status is 1; with ``--dry-run`` nothing is saved.
Also: ``--list`` prints the revisions (who with role, when, file and SHA-256, source), ``--rollback N``
restores revision N (as a new revision). The revisions record the OS user running the command
(``os:<login>``, role editor, via ``cli``): whoever can run ``./atlas`` on the server can already
write its database file.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

from geo.access import Actor, NotAllowed
from geo.data.indicators import INDICATORS
from geo.guard import log_unexpected
from geo.imports.parse import MAX_BYTES, Source, parse_upload
from geo.imports.read import size_issue
from geo.imports.report import preview_counts, revision_label
from geo.imports.store import StoreError, open_store, overlay, preview_changes
from geo.text.i18n import t


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="./atlas import", description=__doc__.splitlines()[0])
    p.add_argument("file", nargs="?", type=Path, help="CSV or XLSX (atlas long format or yearbook layout)")
    p.add_argument("--source-title", default="", help="publication, e.g. 北京统计年鉴2024 (required)")
    p.add_argument("--source-table", default="", help="table name/number, e.g. 8-10 各区县有效发明专利情况")
    p.add_argument("--source-url", default="", help="where the figures can be checked (required, http/https)")
    p.add_argument("--year", type=int, default=None, help="year, if the file does not say")
    p.add_argument("--indicator", choices=sorted(INDICATORS), default=None, help="indicator, if the file does not say")
    p.add_argument("--sheet", default=None, help="XLSX sheet to read (default: the one naming the most Beijing districts)")
    p.add_argument("--no-derive", action="store_true", help="do not derive per-10k density from counts")
    p.add_argument("--dry-run", action="store_true", help="check and preview only; save nothing")
    p.add_argument("--database", default=None, help="SQLAlchemy URL (default: $ATLAS_DATABASE_URL or var/atlas.sqlite)")
    p.add_argument("--list", action="store_true", help="list the revisions and exit")
    p.add_argument("--rollback", type=int, default=None, metavar="N", help="restore revision N (0 = shipped only)")
    p.add_argument("--lang", choices=("zh", "en", "both"), default="both")
    p.add_argument("--on-conflict", choices=("keep", "replace"), default=None,
                   help="for values that differ from a published official figure: keep it or replace it "
                        "(required when there are any; recorded in the revision)")
    return p


def _say(text_zh: str, text_en: str, lang: str) -> str:
    return {"zh": text_zh, "en": text_en}.get(lang, f"{text_zh} / {text_en}")


def cli_actor() -> Actor:
    """The OS user running the command, as an editor (recorded as ``os:<login>``, via ``cli``)."""
    return Actor(f"os:{getpass.getuser()}", "editor", "cli")


def _log_to_file() -> Path:
    """Send the atlas's error log (tracebacks) to ``$ATLAS_VAR_DIR/logs/import.log``, not to the terminal."""
    from geo.data.paths import VAR_DIR

    path = Path(os.environ.get("ATLAS_VAR_DIR") or VAR_DIR) / "logs" / "import.log"
    log = logging.getLogger("atlas")
    if not any(getattr(h, "baseFilename", None) == str(path) for h in log.handlers):
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
    log.propagate = False
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the command; never ends in a traceback: an unexpected error is a message with a reference (logged)."""
    args = _parser().parse_args(argv)
    try:
        return _main(args)
    except Exception as exc:  # a bug or an input no check foresaw; nothing was saved (one transaction)
        try:
            where = f"log file {_log_to_file()}"
        except OSError:
            where = "stderr"
        ref = log_unexpected(exc, f"./atlas import {' '.join(sys.argv[1:] if argv is None else argv)[:300]}")
        print("error: " + _say(t("import.cli.unexpected", "zh", ref=ref), t("import.cli.unexpected", "en", ref=ref),
                               args.lang) + f" ({where})", file=sys.stderr)
        return 1


def _rollback(store, target: int, who: Actor, lang: str) -> int:
    """Restore revision ``target`` (any integer the command line gave; checked before the database sees it)."""
    last = store.current_revision_id()
    if not 0 <= target <= last:  # checked before the database sees the number (any size)
        n = str(target)[:30]
        print("error: " + _say(t("import.cli.no_revision", "zh", n=n, last=last),
                               t("import.cli.no_revision", "en", n=n, last=last), lang), file=sys.stderr)
        return 1
    try:
        rev = store.rollback(target, who)
    except (StoreError, NotAllowed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(_say(t("import.rolled_back", "zh", rev=rev.id, target=target),
               t("import.rolled_back", "en", rev=rev.id, target=target), lang))
    return 0


def _main(args: argparse.Namespace) -> int:
    lang = args.lang
    store = open_store(args.database)
    who = cli_actor()
    if args.list:
        zones = store.boundary_zones()
        for rev in store.revisions():
            print(revision_label(rev, "en" if lang == "en" else "zh", zones))
        return 0
    if args.rollback is not None:
        return _rollback(store, args.rollback, who, lang)
    if args.file is None:
        _parser().print_usage(sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return 2
    too_big = size_issue(args.file.stat().st_size)  # the real size, though no more than the limit is read
    if too_big is not None:
        print(f"error: {_say(too_big.text('zh'), too_big.text('en'), lang)}", file=sys.stderr)
        return 1
    with args.file.open("rb") as fh:
        content = fh.read(MAX_BYTES + 1)  # never read more than the limit (+1 to detect it)
    source = Source(args.source_title, args.source_url, args.source_table)
    result = parse_upload(content, args.file.name, source, year=args.year, indicator=args.indicator,
                          derive=not args.no_derive, sheet=args.sheet)
    for issue in result.issues:
        tag = "error" if issue.level == "error" else "note"
        print(f"{tag}: {_say(issue.text('zh'), issue.text('en'), lang)}", file=sys.stderr)
    if len(result.rows):
        layout = {code: t(f"import.layout.{result.layout}", code) for code in ("zh", "en")}
        key = "import.layout_sheet" if result.sheet else "import.layout"
        print(_say(*(t(key, code, layout=layout[code], sheet=result.sheet, n=len(result.rows)) for code in ("zh", "en")),
                   lang))
        from geo.data.datasets import read_indicators

        preview = preview_changes(overlay(read_indicators(), store.current_rows()), result.rows)
        counts = preview_counts(preview)
        print(_say(t("import.preview", "zh", **counts), t("import.preview", "en", **counts), lang))
        for rec in preview.itertuples():
            missing = rec.old_value is None or rec.old_value != rec.old_value  # None or NaN
            old = "—" if missing else f"{rec.old_value:g} ({rec.old_status})"
            print(f"  {rec.region_code} {rec.year} {rec.indicator}: {old} -> {rec.new_value:g} ({rec.new_status})"
                  f"  [{rec.change}]")
    if not result.ok:
        return 1
    if args.dry_run:
        print(_say(t("import.cli.dry_run", "zh"), t("import.cli.dry_run", "en"), lang))
        return 0
    try:
        from geo.data.datasets import read_indicators

        shown = overlay(read_indicators(), store.current_rows())
        conflicts = preview_changes(shown, result.rows)
        conflicts = conflicts[conflicts["change"] == "conflict"]
        if len(conflicts) and args.on_conflict is None:
            print("error: " + _say(t("import.conflicts", "zh", n=len(conflicts)), t("import.conflicts", "en",
                                                                                  n=len(conflicts)), lang)
                  + " (--on-conflict keep|replace)", file=sys.stderr)
            return 1
        decisions = {(r.region_code, int(r.year), r.indicator): args.on_conflict for r in conflicts.itertuples()}
        rev = store.save_import(result.rows, source, who, args.file.name, content=content, shown=shown,
                                decisions=decisions)
    except (StoreError, NotAllowed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(_say(t("import.saved", "zh", rev=rev.id, n=rev.imported_rows),
               t("import.saved", "en", rev=rev.id, n=rev.imported_rows), lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
