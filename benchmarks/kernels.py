"""The nesting kernels with and without numba's reference counting: separator iterations a second.

Run: ``python benchmarks/kernels.py [FILES_OR_FOLDERS ...] [--iterations 4000] [--seed 0]
[--repeat 3] [--json out.json]``.

Each instance (default: the shared ESICUP instances, read in place as in ``nesting.py``) is packed
by ``nest_strip(max_iterations=N)`` on one worker, in child processes that alternate between the
kernels as shipped (lean: ``fabrication.nesting._kernels.LEAN``, no reference counting) and the
baseline, the same kernels with numba's reference counting back on (``D4D_KERNELS_COUNTED=1``,
compiled into a numba cache of its own). Each child compiles first (a short warm-up run) and
times only the packing; the fastest of ``--repeat`` runs counts, the usual guard on a shared
machine. Both must reach the same used length, to the last bit: the option changes the speed,
never the layout. It prints iterations a second for both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import print_table, write_json
from nesting import DEFAULT, load


def child(path: str, iterations: int, seed: int) -> None:
    """Pack one instance (after a warm-up that compiles) and print the timing as JSON."""
    import time

    from fabrication.nesting import nest_strip
    from fabrication.nesting._kernels import LEAN

    _, parts, height, area, best = load(Path(path))
    nest_strip(parts, height, time_limit=600.0, seed=seed, max_iterations=10)
    start = time.perf_counter()
    r = nest_strip(parts, height, time_limit=600.0, seed=seed, max_iterations=iterations)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "iterations": r.stats.get("iterations", 0), "length": r.used_length,
                      "ratio": area / (height * r.used_length) / best, "lean": bool(LEAN)}))


def run_child(path: Path, iterations: int, seed: int, counted: bool, cache: str) -> dict:
    """One child process's result (the baseline with reference counting and its own numba cache)."""
    env = dict(os.environ)
    if counted:
        env.update(D4D_KERNELS_COUNTED="1", NUMBA_CACHE_DIR=cache)
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--iterations", str(iterations),
                          "--seed", str(seed)], check=False, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no message"])[-1]
        sys.exit(f"{path.name}: the {'counted' if counted else 'lean'} run failed: {last}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--iterations", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.iterations, args.seed)
        return
    if args.iterations < 1 or args.repeat < 1:
        sys.exit("--iterations and --repeat are counts, 1 or more")
    files = sorted(f for p in (args.paths or [DEFAULT]) for f in ([p] if p.is_file() else p.glob("*.json")))
    if not files:
        sys.exit(f"no instance files found in {', '.join(map(str, args.paths or [DEFAULT]))}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="d4d-counted-cache-") as cache:
        for f in files:
            runs = {False: [], True: []}
            for _ in range(args.repeat):
                for counted in (False, True):
                    runs[counted].append(run_child(f, args.iterations, args.seed, counted, cache))
            lean, counted = (min(runs[c], key=lambda r: r["seconds"]) for c in (False, True))
            same = {r["length"] for r in runs[False] + runs[True]}
            rows.append({"instance": f.stem, "iterations": lean["iterations"],
                         "lean_it_s": lean["iterations"] / lean["seconds"],
                         "counted_it_s": counted["iterations"] / counted["seconds"],
                         "speedup": counted["seconds"] / lean["seconds"], "same_layout": len(same) == 1,
                         "ratio": lean["ratio"], "lean_option": lean["lean"]})
            print(f"{f.stem}: done", file=sys.stderr, flush=True)
    print_table(rows, [("instance", "instance"), ("iterations", "iterations"), ("lean_it_s", "lean it/s"),
                       ("counted_it_s", "counted it/s (baseline)"), ("speedup", "x"),
                       ("same_layout", "same layout"), ("ratio", "ratio to best-known")])
    if not all(r["same_layout"] for r in rows):
        print("the two builds reached different layouts: the option must not change the result")
    if not all(r["lean_option"] for r in rows):
        print("this numba has no _nrt option: both builds count references")
    write_json(args.json, "kernels", rows, {"iterations": args.iterations, "seed": args.seed, "repeat": args.repeat})
    sys.exit(0 if all(r["same_layout"] for r in rows) else 1)


if __name__ == "__main__":
    main()
