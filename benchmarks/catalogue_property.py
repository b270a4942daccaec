"""Property run over every model's parameter space: how many random in-range sets build and pass,
build and fail a check, or are refused by a constraint; any other outcome is a bug.

Run: ``python benchmarks/catalogue_property.py [--examples 1000] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _harness import print_table, write_json  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from strategies import params_strategy  # noqa: E402

from parametric import available_models  # noqa: E402
from parametric.checks import run_checks  # noqa: E402
from parametric.errors import ParameterError  # noqa: E402


def survey(cls, examples: int) -> tuple[Counter, list[str]]:
    """Outcome counts for ``examples`` random parameter sets, and the first few bugs."""
    counts: Counter = Counter()
    bugs: list[str] = []

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(params_strategy(cls.schema))
    def run(values):
        try:
            params = cls.params(values)
        except ParameterError:
            counts["refused"] += 1
            return
        try:
            report = run_checks(cls.design(params), families=("stability", "overlap", "manufacturability", "strength"))
        except Exception as exc:  # noqa: BLE001 - a bug to report
            counts["bug"] += 1
            if len(bugs) < 3:
                bugs.append(f"{type(exc).__name__}: {exc} for {params.to_dict()}")
            return
        counts["pass" if report.ok else "fails checks"] += 1

    run()
    return counts, bugs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=1000)
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = []
    for name, cls in sorted(available_models().items()):
        start = time.perf_counter()
        counts, bugs = survey(cls, args.examples)
        rows.append({"model": name, "examples": sum(counts.values()), "pass": counts["pass"],
                     "fails_checks": counts["fails checks"], "refused": counts["refused"], "bugs": counts["bug"],
                     "seconds": time.perf_counter() - start})
        for bug in bugs:
            print(f"BUG {name}: {bug}")
    print_table(rows, [("model", "model"), ("examples", "sets"), ("pass", "build+pass"),
                       ("fails_checks", "build+fail"), ("refused", "refused"), ("bugs", "bugs"), ("seconds", "s")])
    write_json(args.json, "catalogue_property", rows)


if __name__ == "__main__":
    main()
