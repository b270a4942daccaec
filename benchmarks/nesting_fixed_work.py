"""Strip-packing settings compared at a fixed work budget (separator iterations), not on the clock.

Run: ``python benchmarks/nesting_fixed_work.py [FILES_OR_FOLDERS ...] [--iterations 2500] [--seeds 3]
[--first-seed 0] [--instances shapes0,swim] [--set NAME=VALUE ...] [--json out.json]``.

Each instance (default: the shared instances, read in place as in ``nesting.py``) is packed with
seeds F..F+N-1 (``--first-seed`` F, default 0; ``--seeds`` N) by ``nest_strip(max_iterations=...)``
on one worker, once with the current settings ("current") and, when ``--set`` is given, once with
those module constants overridden ("changed"), e.g. ``--set explore.EXPLORE_ITERATIONS=1000 --set
explore.STEP=0.002`` (a name is ``module.CONSTANT`` under ``fabrication.nesting``). The same seed
and budget give the same layout whatever the machine's load, so two settings can be compared on a
shared machine; the runs go two at a time in two processes. It prints the ratio to best-known per
run, the mean per instance and the mean over instances, and the separator iterations per second of
the improvement (a speed on a shared machine: compare two kernels in one run, alternating); every
layout is checked by the independent shapely validator.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json
from nesting import DEFAULT, load

#: per constant, its value before any override and the modules holding it (per worker process:
#: workers are reused from job to job)
_ORIGINAL: dict[str, tuple[object, set]] = {}


#: constants read once as a function's default argument (nest_strip's share, Pool's size,
#: large_items' share, the Explorer's and Compressor.run's steps): overriding them would change nothing
BOUND_AS_DEFAULTS = ("explore.EXPLORE_SHARE", "explore.POOL_SIZE", "explore.LARGE_SHARE", "compress.FIRST_STEP",
                     "compress.LAST_STEP")


def parse_set(text: str) -> tuple[str, object]:
    """``module.NAME=VALUE`` -> (``module.NAME``, the value read as JSON: a number, true, false or
    null); refused when the constant does not exist, would change nothing or the value is not
    JSON, naming it."""
    name, sep, value = text.partition("=")
    mod, _, attr = name.rpartition(".")
    if not sep or not mod:
        sys.exit(f"--set takes module.NAME=VALUE (e.g. explore.STEP=0.002), not {text!r}")
    if name in BOUND_AS_DEFAULTS:
        sys.exit(f"{name} is read once as a default argument at import: --set would change nothing")
    module = importlib.import_module(f"fabrication.nesting.{mod}")
    if not hasattr(module, attr):
        sys.exit(f"fabrication.nesting.{mod} has no constant {attr}; check the name in --set {text}")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        sys.exit(f"--set {text}: the value must be a JSON number, true, false or null (not {value!r})")


def apply(settings: dict[str, object]) -> None:
    """Set the given constants, and every constant changed by an earlier job back to its original;
    in the defining module and in every nesting module that imported it by name."""
    modules = [importlib.import_module(f"fabrication.nesting.{m}") for m in
               ("compress", "explore", "parallel", "api", "_separate")]
    for name in list(_ORIGINAL) + [n for n in settings if n not in _ORIGINAL]:
        mod, _, attr = name.rpartition(".")
        if name not in _ORIGINAL:
            home = importlib.import_module(f"fabrication.nesting.{mod}")
            value = getattr(home, attr)
            _ORIGINAL[name] = (value, {home, *(m for m in modules if getattr(m, attr, None) is value)})
        original, holders = _ORIGINAL[name]
        for module in holders:
            setattr(module, attr, settings.get(name, original))


def run(args) -> dict:
    """One instance, seed and setting in this process: ratio to best-known, validity, seconds."""
    path, seed, iterations, label, settings = args
    from fabrication.nesting import nest_strip, validate

    apply(settings)
    name, parts, height, area, best = load(Path(path))
    start = time.perf_counter()
    result = nest_strip(parts, height, time_limit=1e9, seed=seed, max_iterations=iterations)
    ratio = area / (height * result.used_length) / best
    return {"instance": name, "seed": seed, "setting": label, "ratio": ratio,
            "valid": not validate.problems(result, spacing=0.0, margin=0.0),
            "attempts": result.stats.get("attempts", 0), "disruptions": result.stats.get("disruptions", 0),
            "iterations_per_s": result.stats.get("iterations", 0) / max(result.stats.get("seconds", 0.0), 1e-9),
            "seconds": time.perf_counter() - start}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[DEFAULT])
    ap.add_argument("--iterations", type=int, default=2500, help="separator iterations per run (the work budget)")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--first-seed", type=int, default=0, help="seeds run from this one (more seeds, same earlier ones)")
    ap.add_argument("--instances", help="only these instance names, e.g. shapes0,swim")
    ap.add_argument("--set", action="append", default=[], metavar="module.NAME=VALUE",
                    help="a constant of fabrication.nesting overridden for the 'changed' runs (repeatable)")
    ap.add_argument("--json")
    args = ap.parse_args()
    if args.iterations < 1 or args.seeds < 1:
        sys.exit("--iterations and --seeds take positive counts")
    files = sorted(p for path in args.paths for p in ([path] if path.is_file() else path.glob("*.json")))
    if args.instances:
        files = [f for f in files if f.stem in args.instances.split(",")]
    if not files:
        sys.exit(f"no instance files under {', '.join(map(str, args.paths))} (--instances {args.instances})")
    changed = dict(parse_set(s) for s in args.set)
    settings = [("current", {})] + ([("changed", changed)] if changed else [])
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    jobs = [(f, s, args.iterations, label, st) for f in files for s in seeds for label, st in settings]
    rows = []
    with ProcessPoolExecutor(max_workers=2) as pool:
        for row in pool.map(run, jobs):
            rows.append(row)
            print(f"{row['instance']} seed {row['seed']} {row['setting']}: {row['ratio']:.4f}", flush=True)
    print()
    print_table(rows, [("instance", "instance"), ("seed", "seed"), ("setting", "setting"), ("ratio", "ratio"),
                       ("attempts", "attempts"), ("disruptions", "disrupt."), ("iterations_per_s", "it/s"),
                       ("seconds", "s"), ("valid", "valid")])
    names = list(dict.fromkeys(r["instance"] for r in rows))
    summary = []
    for label, _ in settings:
        means = {n: statistics.mean(r["ratio"] for r in rows if r["instance"] == n and r["setting"] == label)
                 for n in names}
        summary.append({"setting": label, **means, "mean": statistics.mean(means.values())})
    print(f"\nmean ratio to best-known at {args.iterations} separator iterations, {args.seeds} seeds"
          f" from {args.first_seed}"
          + (f"; changed: {', '.join(args.set)}" if changed else ""))
    print_table(summary, [("setting", "setting")] + [(n, n) for n in names] + [("mean", "mean")])
    write_json(args.json, "nesting-fixed-work", rows, {"iterations": args.iterations, "seeds": args.seeds,
                                                       "first_seed": args.first_seed,
                                                       "changed": changed, "summary": summary})


if __name__ == "__main__":
    main()
