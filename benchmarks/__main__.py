"""`make bench`: run every benchmark module and print its figures.

Each module in this package exposes ``run() -> list[tuple[str, str]]`` (a figure's name and its
value with units). Figures are printed and written to bench-results/latest.txt.
"""

import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

import django


def main(selected: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcreds.settings")
    django.setup()
    import benchmarks

    names = [
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_")
    ]
    if selected:
        names = [n for n in names if n in selected]
    lines: list[str] = []
    for name in sorted(names):
        module = importlib.import_module(f"benchmarks.{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        for figure, value in module.run():
            line = f"{name}: {figure}: {value}"
            print(line, flush=True)
            lines.append(line)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / "latest.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
