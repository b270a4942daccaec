"""Fix search: evaluations and seconds of ``d4d check --fix`` on a failing set of every model, before
(memo off: every finding searched on its own, nothing remembered) and after (memo on), in one run.

One evaluation is one build + one check family (or all) of one parameter set. The "before" run
is capped (``--before-evals``, default 120) because unmemoised searches take minutes; a capped
row says so and its count is a lower bound. Aim: every memoised search under 10 s.

    PYTHONPATH=. .venv/bin/python benchmarks/fix_search.py [--json out.json] [--models slice_chair,stool]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json  # noqa: E402

from parametric import get_model  # noqa: E402
from parametric.checks import fix, run_checks, suggest_fixes  # noqa: E402
from parametric.checks.fixes import FixSearch  # noqa: E402

#: one failing parameter set per model (found by setting one parameter to an end of its range),
#: with the check options it fails under
CASES = {
    "slice_chair": ({"slat_depth": 30}, {}),            # MFG-NECK, MFG-SLOT-DEPTH (d4d issue #14)
    "slice_bench": ({"width": 2000}, {}),               # STR-DEFLECT
    "bookshelf": ({"width": 1200}, {}),                 # STR-DEFLECT
    "stool": ({"splay": 0, "seat_width": 500, "legs": 3}, {}),  # STAB-SIDE: too little splay for a wide seat
    "table": ({"length": 600}, {}),                     # STAB-LEAN-END
    "box": ({"width": 800, "depth": 800}, {"sheet": (600.0, 400.0)}),  # MFG-SHEET on a small sheet
}
AIM_S = 10.0


def run(model: str, memo: bool, max_evals: int | None) -> dict:
    """Suggestions then ``fix`` (what ``d4d check --fix`` does) with one search; its numbers."""
    values, kw = CASES[model]
    cls = get_model(model)
    design = cls.design(cls.params(values))
    report = run_checks(design, **kw)
    codes = sorted({f.code for f in report.errors})
    search = FixSearch(kw, memo=memo, time_budget=None, max_evaluations=max_evals)
    start = time.perf_counter()
    suggest_fixes(design, report, search=search)
    result = fix(design, search=search)
    seconds = time.perf_counter() - start
    return {"model": model, "codes": ",".join(codes), "evaluations": search.stats.evaluations,
            "lookups": search.stats.lookups, "seconds": seconds, "stopped": search.stats.stopped or "",
            "fix": ", ".join(f"{k}={v:g}" for k, v in result.changes.items()) if result.ok else "none",
            "suggested": sorted({f.fix for f in report.errors if f.fix})}


def main() -> None:
    """Run every case before and after; print a table and optionally write JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default=None)
    ap.add_argument("--models", default=",".join(CASES))
    ap.add_argument("--before-evals", type=int, default=120, help="cap on the unmemoised search's evaluations")
    args = ap.parse_args()
    rows = []
    for model in args.models.split(","):
        after = run(model, True, None)
        before = run(model, False, args.before_evals)
        same = "-" if before["stopped"] else ("yes" if (before["fix"], before["suggested"]) ==
                                                         (after["fix"], after["suggested"]) else "NO")
        rows.append({"model": model, "codes": after["codes"],
                     "evals_before": f"{'>=' if before['stopped'] else ''}{before['evaluations']}",
                     "s_before": before["seconds"], "evals_after": after["evaluations"],
                     "s_after": after["seconds"], "ratio_s": before["seconds"] / after["seconds"],
                     "same_answer": same, "fix": after["fix"], "under_aim": after["seconds"] < AIM_S,
                     "lookups_after": after["lookups"]})
        print(f"{model}: {rows[-1]}", flush=True)
    print()
    print_table(rows, [("model", "model"), ("codes", "failing"), ("evals_before", "evals before"),
                       ("s_before", "s before"), ("evals_after", "evals after"), ("s_after", "s after"),
                       ("ratio_s", "x faster"), ("same_answer", "same answer"), ("under_aim", f"< {AIM_S:g} s"),
                       ("fix", "fix")])
    write_json(args.json, "fix_search", rows, {"aim_s": AIM_S, "before_evals_cap": args.before_evals})


if __name__ == "__main__":
    main()
