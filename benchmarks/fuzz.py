"""Fuzz run over every model: careless and hostile parameter values and files.

Each example is a parameter set for one model, mostly in range with zero to three fields replaced by
something hostile (out-of-range numbers, strings, lists, None, nan, inf, huge numbers, unit strings
such as "18in", "-0", "1e309", drawings that are entity bombs or garbage), given directly, as
``--set NAME=VALUE`` strings, or as a JSON/YAML parameter file; some examples are a hostile file
given as the parameter file itself. The outcome of each must be "built and passed", "built and failed
a check" (checks run on a sample: ``--check-every``), or "refused with a D4DError". Anything else (an
uncaught exception, a hang past ``--timeout``, a MemoryError under the ``--memory-limit`` address
space, RSS growth past ``--max-growth``) is a bug, reported with the input that caused it.

Run: ``python benchmarks/fuzz.py [--examples 1700] [--check-every 10] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# imported by the test suite too: benchmarks/ is on the path only while _harness is imported, so
# benchmarks/viewer.py or batch.py never shadow the viewer package or tests/batch; tests/ (the
# strategies) is appended
_HERE = str(Path(__file__).resolve().parent)
sys.path.insert(0, _HERE)
try:
    from _harness import print_table, write_json
finally:
    sys.path.remove(_HERE)
sys.path.append(str(Path(__file__).resolve().parents[1] / "tests"))

import yaml  # noqa: E402
from hypothesis import HealthCheck, given, seed as hypothesis_seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from strategies import params_strategy  # noqa: E402

from parametric.errors import D4DError  # noqa: E402
from parametric.params import Angle, Count, Length, Outline  # noqa: E402
from parametric.params_shape import Profile  # noqa: E402
from parametric.registry import available_models  # noqa: E402

#: values a careless or hostile user types, in any field
STRINGS = ["18in", "-0", "1e309", "-1e309", "nan", "NaN", "inf", "-inf", "", " ", "12mm", "3/4in", "3/0in",
           "1/2", "3 ft", "0x10", "1_000", "\u0661\u0662", '18"', "\u00bd", "9" * 400, "-", "e", "18in in",
           "400;", "None", "null", "true", "yes", "@", "{}", "[]", "18 furlongs", "1e-320", "4.5e15mm", "\x00",
           "\u202e018", "-1", "0", "2.5"]
HUGE = [10 ** 30, -(10 ** 30), 10 ** 400, -(10 ** 400), 10 ** 5000, 2 ** 63, 1e308, -1e308, 5e-324, float("inf"), float("-inf"),
        float("nan"), -0.0, 0, -1]


class Hang(BaseException):
    """Raised by the per-example alarm (a BaseException, so d4d's ``except Exception`` does not swallow it)."""


def hostile_files(folder: Path) -> dict[str, Path]:
    """Write the hostile files into ``folder``: name -> path (also a folder, a missing file and /dev/zero)."""
    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        files[name] = path

    laughs = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    put("entity-bomb.svg", f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "lol">{laughs}]>'
        '<svg xmlns="http://www.w3.org/2000/svg" width="500mm" height="500mm"><text>&l9;</text></svg>')
    put("external-entity.svg", '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    put("garbage.dxf", bytes((k * 7919) % 256 for k in range(20_000)))
    put("garbage-text.dxf", "0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n8\n0\n90\n99999999\n10\nnan\n20\n1e309\n"
        "0\nCIRCLE\n10\n0\n40\n-5\n0\nENDSEC\n0\nEOF\n")
    put("truncated.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="400mm" height="400mm"><path d="M0 0 L400 ')
    put("nan-path.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="400mm" height="400mm" viewBox="0 0 400 400">'
        '<path d="M0 0 L1e309 0 L400 nan Z"/></svg>')
    put("huge-coords.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="400mm" height="400mm" viewBox="0 0 400 400">'
        '<path d="M0 0 L1e300 0 L1e300 1e300 Z"/></svg>')
    put("alias-bomb.yaml", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 10)}]\n" for k in range(1, 10)))
    put("deep.json", "[" * 10_000 + "]" * 10_000)
    put("deep-params.json", '{"params": ' + '{"a": ' * 10_000 + "1" + "}" * 10_001)
    put("deep.yaml", "[" * 10_000 + "]" * 10_000)
    put("deep-block.yaml", "".join(" " * k + "- \n" for k in range(2000)))
    put("big.json", '{"width": "' + "9" * (10 << 20) + '"}')
    put("big.svg", '<svg xmlns="http://www.w3.org/2000/svg">' + '<path d="M0 0 L1 1"/>' * ((10 << 20) // 22) + "</svg>")
    put("empty.json", "")
    put("not-utf8.yaml", b"\xff\xfe\x00\x00garbage\x80\x81")
    put("nul.json", b'{"width": 400\x00}')
    put("python-tag.yaml", "width: !!python/object/apply:os.system ['echo pwned']\n")
    put("list.yaml", "- 1\n- 2\n")
    put("bad-model.json", json.dumps({"model": {"$ne": 1}, "params": {}}))
    files["folder"] = folder
    files["missing.json"] = folder / "missing.json"
    if Path("/dev/zero").exists():
        files["dev-zero.svg"] = Path("/dev/zero")
    return files


def spec_hostile(spec, refs: list[str]):
    """Hostile values for one spec: out of range for its kind, of the wrong type, or a hostile file."""
    scalars = st.one_of(st.sampled_from(STRINGS), st.sampled_from(HUGE), st.none(), st.booleans(),
                        st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True),
                        st.integers(-10 ** 40, 10 ** 40), st.sampled_from(refs))
    shaped = st.one_of(st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=4), scalars, max_size=3),
                       st.recursive(st.just(1), lambda inner: st.lists(inner, max_size=2), max_leaves=40))
    kinds = [scalars, shaped]
    if isinstance(spec, (Length, Angle)):
        kinds.append(st.one_of(st.floats(spec.min - 1e4, spec.min), st.floats(spec.max, spec.max * 100 + 1e4),
                               st.builds(lambda x, u: f"{x}{u}", st.floats(-1e4, 1e4),
                                         st.sampled_from(["in", "mm", "cm", "m", "ft", "deg", "rad", "°", "px"]))))
    if isinstance(spec, Count):
        kinds.append(st.one_of(st.integers(spec.max + 1, spec.max + 10 ** 7), st.integers(-10 ** 7, spec.min - 1),
                               st.floats(spec.min, spec.max)))
    if isinstance(spec, Profile):
        point = st.lists(scalars, min_size=0, max_size=3)
        kinds.append(st.lists(st.one_of(point, st.tuples(st.floats(), st.floats())), max_size=len(spec.points) + 3))
    if isinstance(spec, Outline):
        number = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10 ** 6, 10 ** 6))
        ring = st.lists(st.tuples(number, number), max_size=8)
        kinds += [st.sampled_from(refs), ring, st.just([[0, 0], [600, 600], [600, 0], [0, 600]]),
                  st.fixed_dictionaries({"outline": ring, "holes": st.lists(ring, max_size=2)}),
                  st.dictionaries(st.sampled_from(["outline", "holes", "x"]), ring, max_size=3)]
    return st.one_of(kinds)


@dataclass
class Case:
    """One example: how the values reach the model, the values, and the hostile parameter file if any."""

    channel: str
    values: dict
    file: str | None = None

    def describe(self) -> str:
        """A short, printable form of the input (for a bug report)."""
        text = f"{self.channel}: {self.file or ''} {_short(self.values)}"
        return text if len(text) < 600 else text[:600] + " ..."


def _short(value):
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10 ** 30:
        return f"<int of {value.bit_length()} bits>"
    if isinstance(value, str) and len(value) > 40:
        return repr(value[:40] + f"...({len(value)} chars)")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(_short(v)) for v in value[:8]) + (", ..." if len(value) > 8 else "") + "]"
    return repr(value)


def case_strategy(cls, files: dict[str, Path]):
    """Cases for a model: valid values (random, or the defaults with 1-3 fields changed) with 0-3 hostile
    fields, through one of the input channels."""
    refs = [f"@{p}" for p in files.values()] + [f"@{files['garbage.dxf']}:in#0", "@/nonexistent.svg#x?pick=largest"]
    specs = cls.schema.specs

    @st.composite
    def build(draw):
        values = dict(draw(params_strategy(cls.schema)))
        if draw(st.booleans()):  # near the defaults: only a few fields set (random sets are mostly refused)
            keep = draw(st.lists(st.sampled_from(sorted(specs)), min_size=1, max_size=3, unique=True))
            values = {k: values[k] for k in keep}
        count = draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3]))
        for name in draw(st.lists(st.sampled_from(sorted(specs)), max_size=count, unique=True)):
            values[name] = draw(spec_hostile(specs[name], refs))
        if draw(st.integers(0, 19)) == 0:
            values[draw(st.sampled_from(["", "widht", "__class__", "model", "9" * 50]))] = 1
        channel = draw(st.sampled_from(["values", "values", "set", "json-file", "yaml-file", "hostile-file"]))
        return Case(channel, values, draw(st.sampled_from(sorted(files))) if channel == "hostile-file" else None)

    return build()


#: stands for an integer too long for str() (Python's 4,300-digit limit) in text the harness writes
_HUGE = "HUGE_INTEGER_DIGITS"


def _as_setting(name: str, value) -> str:
    if isinstance(value, str):
        return f"{name}={value}"
    try:
        text = json.dumps(_plain(value))
    except (TypeError, ValueError):
        text = repr(_plain(value))
    return f"{name}={_digits(text)}"


def _digits(text: str) -> str:
    """Put the digits of a too-long integer where :func:`_plain` left a marker (what a file could hold)."""
    return text.replace(f'"{_HUGE}"', "9" * 5000).replace(f"'{_HUGE}'", "9" * 5000).replace(_HUGE, "9" * 5000)


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 14_000:
        return _HUGE
    return value


def run_case(cls, case: Case, files: dict[str, Path], scratch: Path, check: bool) -> str:
    """Build one case: ``"pass"``, ``"fail"`` (a check failed), ``"built"`` (checks not sampled) or
    ``"refused"``; any other exception propagates (the caller records it as a bug)."""
    from d4d_cad.pipeline import resolve_params
    from parametric.checks import run_checks

    try:
        if case.channel == "values":
            params = cls.params(case.values)
        elif case.channel == "set":
            _, params = resolve_params(cls, settings=[_as_setting(k, v) for k, v in case.values.items()])
        elif case.channel == "hostile-file":
            _, params = resolve_params(cls, params_file=files[case.file])
        else:
            doc = {"model": cls.name, "params": _plain(case.values)}
            path = scratch / ("params.json" if case.channel == "json-file" else "params.yaml")
            try:
                text = json.dumps(doc) if case.channel == "json-file" else yaml.safe_dump(doc)
            except (ValueError, yaml.YAMLError, OverflowError):
                text = repr(doc)  # what a careless hand writes
            path.write_text(_digits(text))
            _, params = resolve_params(cls, params_file=path)
        design = cls.design(params)
        area = sum(p.outline.area for p in design.parts)
        if not math.isfinite(area) or area <= 0:
            raise AssertionError(f"built a design whose parts have area {area}")
        if not check:
            return "built"
        return "pass" if run_checks(design).ok else "fail"
    except D4DError:
        return "refused"


@contextlib.contextmanager
def alarm(seconds: float):
    """Raise :class:`Hang` in the main thread after ``seconds``."""
    def ring(signum, frame):
        raise Hang(f"no answer after {seconds:g} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def rss_mb() -> float:
    """Resident memory now (MB), from /proc (0 where there is none)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass
class Survey:
    """Outcome counts and bugs for one model."""

    counts: Counter = field(default_factory=Counter)
    bugs: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    rss_start: float = 0.0
    rss_end: float = 0.0
    traced_peak: float = 0.0


def survey(cls, examples: int, files: dict[str, Path], *, check_every: int = 10, timeout: float = 30.0,
           seed: int = 0, bug_limit: int = 20) -> Survey:
    """Run ``examples`` hypothesis cases on ``cls``; checks on every ``check_every``-th built design (0: none)."""
    out = Survey(rss_start=rss_mb())
    start = time.perf_counter()
    built = [0]
    with tempfile.TemporaryDirectory(prefix="d4d-fuzz-") as tmp:
        scratch = Path(tmp)

        @hypothesis_seed(seed)  # the same cases each run
        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case_strategy(cls, files))
        def one(case):
            check = bool(check_every) and built[0] % check_every == 0
            try:
                with alarm(timeout):
                    outcome = run_case(cls, case, files, scratch, check)
            except Hang as exc:
                outcome, error = "bug", exc
            except Exception as exc:  # noqa: BLE001 - the bugs this run is for (RecursionError, MemoryError too)
                outcome, error = "bug", exc
            if outcome in ("built", "pass", "fail"):
                built[0] += 1
            out.counts[outcome] += 1
            if outcome == "bug":
                frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
                where = f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" if frame else "?"
                if len(out.bugs) < bug_limit:
                    out.bugs.append({"model": cls.name, "error": f"{type(error).__name__}: {str(error)[:300]}",
                                     "where": where, "input": case.describe()})

        one()
    out.seconds = time.perf_counter() - start
    out.rss_end = rss_mb()
    return out


def file_table(files: dict[str, Path], timeout: float = 30.0) -> list[dict]:
    """Every hostile file as a parameter file and as a drawn outline: the outcome of each."""
    from d4d_cad.pipeline import resolve_params

    models = available_models()
    outline_model = next((c for c in models.values() if any(isinstance(s, Outline) for s in c.schema.specs.values())),
                         None)
    rows = []
    for name, path in sorted(files.items()):
        row = {"file": name}
        uses = {"params file": lambda path=path: resolve_params(models["box"], params_file=path)}
        if outline_model is not None:
            spec = next(n for n, s in outline_model.schema.specs.items() if isinstance(s, Outline))
            uses["outline"] = lambda spec=spec, path=path: outline_model.params({spec: f"@{path}"})
        for use, fn in uses.items():
            start = time.perf_counter()
            try:
                with alarm(timeout):
                    fn()
                row[use] = "accepted"
            except D4DError as exc:
                row[use] = "refused"
                row[f"{use} message"] = str(exc)[:160]
            except (Exception, Hang) as exc:  # noqa: BLE001 - a bug to report
                row[use] = f"BUG {type(exc).__name__}: {str(exc)[:120]}"
            row[f"{use} s"] = time.perf_counter() - start
        rows.append(row)
    return rows


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space, so a runaway allocation is a MemoryError, not the machine's OOM."""
    if megabytes:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, resource.getrlimit(resource.RLIMIT_AS)[1]))


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz survey, print the tables, write ``--json``; exit status 1 when it found a bug."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=1700, help="parameter sets per model")
    ap.add_argument("--models", nargs="*", help="only these models")
    ap.add_argument("--check-every", type=int, default=10, help="run the checks on every Nth built design (0: none)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds one example may take before it is a hang")
    ap.add_argument("--memory-limit", type=int, default=6144, help="address-space cap, MB (0: none)")
    ap.add_argument("--max-growth", type=float, default=300.0, help="RSS growth over a model's run that is a bug, MB")
    ap.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    limit_memory(args.memory_limit)
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    models = available_models()
    names = [n for n in sorted(models) if not args.models or n in args.models]
    rows, bugs = [], []
    with tempfile.TemporaryDirectory(prefix="d4d-hostile-") as tmp:
        files = hostile_files(Path(tmp))
        table = file_table(files, args.timeout)
        for name in names:
            if args.tracemalloc:
                tracemalloc.reset_peak()
            s = survey(models[name], args.examples, files, check_every=args.check_every, timeout=args.timeout,
                       seed=args.seed)
            growth = s.rss_end - s.rss_start
            if growth > args.max_growth:
                s.counts["bug"] += 1
                s.bugs.append({"model": name, "error": f"memory grew {growth:.0f} MB", "where": "-", "input": "-"})
            peak = tracemalloc.get_traced_memory()[1] / 2 ** 20 if args.tracemalloc else None
            rows.append({"model": name, "examples": sum(s.counts.values()), "pass": s.counts["pass"],
                         "fail": s.counts["fail"], "built": s.counts["built"], "refused": s.counts["refused"],
                         "bugs": s.counts["bug"], "seconds": s.seconds, "rss_growth_mb": growth,
                         "traced_peak_mb": peak})
            bugs += s.bugs
    elapsed = time.perf_counter() - started
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("hostile files (as a parameter file, and as a drawn outline):")
    print_table(table, [("file", "file"), ("params file", "params file"), ("outline", "outline"),
                        ("outline s", "outline s")])
    print()
    print_table(rows, [("model", "model"), ("examples", "sets"), ("pass", "built+pass"), ("fail", "built+fail"),
                       ("built", "built (unchecked)"), ("refused", "refused"), ("bugs", "bugs"),
                       ("seconds", "s"), ("rss_growth_mb", "RSS growth MB")]
                  + ([("traced_peak_mb", "traced peak MB")] if args.tracemalloc else []))
    total = sum(r["examples"] for r in rows)
    file_bugs = [r for r in table if any(str(v).startswith("BUG") for v in r.values())]
    print(f"\n{total} parameter sets in {elapsed:.0f} s ({total / max(elapsed, 1e-9):.1f} per s); peak RSS "
          f"{peak_rss:.0f} MB; {sum(r['bugs'] for r in rows)} bug(s) in the survey, {len(file_bugs)} hostile file(s) "
          "mishandled")
    for bug in bugs:
        print(f"BUG {bug['model']}: {bug['error']} at {bug['where']}\n    input {bug['input']}")
    write_json(args.json, "fuzz", rows, {"files": table, "bugs": bugs, "seconds": elapsed, "peak_rss_mb": peak_rss,
                                          "examples_per_model": args.examples, "check_every": args.check_every})
    return 1 if bugs or file_bugs else 0


if __name__ == "__main__":
    sys.exit(main())
