"""Compare two benchmark results: ``python -m bench.compare OLD.json NEW.json`` (atlas figures)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.__main__ import ROWS


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    old, new = (json.loads(Path(p).read_text(encoding="utf-8")) for p in argv)
    print(f"{'atlas':46} {old['commit']:>16} {new['commit']:>16} {'new/old':>8}")
    for label, key, unit, scale, _ in ROWS:
        a, b = old["atlas"].get(key), new["atlas"].get(key)
        if a is None and b is None:
            continue
        fa = f"{a * scale:,.1f} {unit}" if a is not None else "–"
        fb = f"{b * scale:,.1f} {unit}" if b is not None else "–"
        ratio = f"{b / a:.2f}" if a and b else "–"
        print(f"{label:46} {fa:>16} {fb:>16} {ratio:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
