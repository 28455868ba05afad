"""Where the per-record paths spend their time: pyinstrument over 100k generated 温州 records.

Usage (from the repository root, with ``pip install pyinstrument``)::

    python benchmarks/profile_paths.py [--records N]

Profiles ``Ruleset.validate`` + ``Ruleset.scorer`` from raw dicts, ``Ruleset.tracer``
on validated records, and ``evaluate_validated(trace=True)``; docs/performance.md quotes
the trees.  pyinstrument is a measuring tool only, not a dependency of the package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

from govinfo_rules import load_ruleset


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: pip install pyinstrument", file=sys.stderr)
        return 2
    ruleset = load_ruleset("wenzhou")
    dicts = list(run.wenzhou_records(args.records))
    typed = ruleset.validate(dicts)
    as_of = dt.date(2024, 12, 31)
    scorer = ruleset.scorer("submission", as_of=as_of)
    tracer = ruleset.tracer("submission", as_of=as_of)
    paths: list[tuple[str, Callable[[], object]]] = [
        ("validate + scorer", lambda: [scorer(r) for r in ruleset.validate(dicts)]),
        ("tracer", lambda: [tracer(r) for r in typed]),
        ("evaluate_validated trace=True", lambda: ruleset.evaluate_validated(typed, as_of=as_of, trace=True)),
    ]
    for label, path in paths:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        path()
        profiler.stop()
        print("=" * 20, label)
        print(profiler.output_text(color=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
