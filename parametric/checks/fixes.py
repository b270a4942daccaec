"""Suggested fixes: search a parameter's declared range for the nearest value that passes.

A model may say which parameters control which finding codes (``fixes = {"STAB-REAR":
["rear_foot", "back_angle"]}``); otherwise every numeric parameter is tried. The search runs
only the check family the finding belongs to, on the parameter's own step grid: a coarse scan of
the range, then bisection between the nearest passing grid point and the current value.

One :class:`FixSearch` carries a search from :func:`suggest_fixes` into :func:`fix`:

- a memo: every design is built once per parameter set (its hash), every check family run once
  per design and check options, every parameter set validated once; a code that several
  findings share (one MFG-NECK per slat) is searched once;
- settling: a code's search stops once its two nearest options are known (the suggestion shows
  two; a parameter whose nearest passing value could only be farther is not searched);
- a budget of seconds and evaluations: when it runs out the search stops, keeps what it found and
  says so ("tried 37 parameter sets in 4.1 s; stopped at the time budget (20 s)");
- ``progress(stats)`` after every evaluation (the CLI turns it into a progress line).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..design import Design
from ..errors import D4DError
from ..params import Angle, Count, Length, Params
from ..registry import get_model

FAMILY_OF = {"STAB": "stability", "OVLP": "overlap", "MFG": "manufacturability", "STR": "strength",
             "ERGO": "ergonomics", "ERGO-COLLIDE": "collision"}
#: codes searched with another code's parameters when a model names none for them (the seated figure's
#: stability cases tip like the EN 1022 ones)
ALIASES = {"STAB-FIG-SEATED": "STAB-SEATED", "STAB-FIG-REAR": "STAB-REAR"}
COARSE = 12
#: default budget of one search (suggestions and --fix together): seconds, and distinct evaluations
TIME_BUDGET_S = 20.0
MAX_EVALUATIONS = 400
#: options shown per finding by :func:`suggest_fixes`
SHOWN = 2
#: the default time source of a search (tests replace it with a deterministic one)
CLOCK: Callable[[], float] = time.monotonic


def family_of(code: str) -> str | None:
    """The check family that produces a code."""
    return FAMILY_OF.get(code) or FAMILY_OF.get(code.split("-")[0])


def _candidates(model_cls, code: str) -> list[str]:
    mapping = getattr(model_cls, "fixes", {}) or {}
    names = mapping.get(code) or mapping.get(ALIASES.get(code, "")) or mapping.get(code.split("-")[0])
    specs = model_cls.schema.specs
    if names:
        return [n for n in names if n in specs]
    return [n for n, s in specs.items() if isinstance(s, (Length, Angle, Count)) and n not in ("thickness",)]


class _OutOfBudget(Exception):
    """Raised inside a search when its time or evaluation budget is spent."""


@dataclass
class SearchStats:
    """What a fix search did: distinct evaluations (build + check family), lookups, seconds, why it stopped."""

    evaluations: int = 0
    lookups: int = 0
    builds: int = 0
    seconds: float = 0.0
    stopped: str = ""

    def text(self) -> str:
        """``"tried 37 parameter sets in 4.1 s"`` (+ ``"; stopped at the time budget (20 s)"``)."""
        out = f"tried {self.evaluations} parameter set{'s' * (self.evaluations != 1)} in {self.seconds:.1f} s"
        return out + (f"; stopped at the {self.stopped}" if self.stopped else "")


@dataclass
class FixSearch:
    """The memo, budget and progress hook of one fix search (share it between suggest_fixes and fix).

    Args:
        kw: options for :func:`run_checks` (material, tool_diameter, min_margin, sheet).
        memo: remember evaluations, search a code once and settle it (off: the search as it was
            before these, every finding searched on its own, only to measure what they save).
        time_budget: seconds before the search stops (None: no limit).
        max_evaluations: distinct evaluations before the search stops (None: no limit).
        progress: called with :class:`SearchStats` after every new evaluation.
        clock: the time source (default :data:`CLOCK`; tests pass a deterministic one).
    """

    kw: dict = field(default_factory=dict)
    memo: bool = True
    time_budget: float | None = TIME_BUDGET_S
    max_evaluations: int | None = MAX_EVALUATIONS
    progress: Callable[[SearchStats], None] | None = None
    clock: Callable[[], float] | None = None
    stats: SearchStats = field(default_factory=SearchStats)

    def __post_init__(self) -> None:
        self.clock = self.clock or CLOCK
        self._start = self.clock()
        self._reports: dict[tuple, Any] = {}
        self._designs: dict[str, Design | None] = {}
        self._params: dict[tuple, Params | None] = {}
        self._nearest: dict[tuple, Any] = {}
        self._kw_key = repr(sorted(self.kw.items(), key=lambda kv: kv[0]))

    def pin_figures(self, design: Design) -> None:
        """Check every parameter set for the figures ``design`` is for (unless ``kw`` names some): a
        changed set is no longer its preset, so it would otherwise be checked for the default figures."""
        if "figures" not in self.kw:
            from .ergonomics import resolve_figures

            self.kw["figures"] = resolve_figures(design)
            self._kw_key = repr(sorted(self.kw.items(), key=lambda kv: kv[0]))

    def _tick(self) -> None:
        self.stats.seconds = self.clock() - self._start
        if self.stats.stopped:
            raise _OutOfBudget
        if self.time_budget is not None and self.stats.seconds >= self.time_budget:
            self.stats.stopped = f"time budget ({self.time_budget:g} s)"
        elif self.max_evaluations is not None and self.stats.evaluations >= self.max_evaluations:
            self.stats.stopped = f"evaluation budget ({self.max_evaluations})"
        if self.stats.stopped:
            raise _OutOfBudget

    def params(self, base: Params, changes: dict[str, Any]) -> Params | None:
        """``base.replace(**changes)``, or None when the values break a range or constraint (memoised)."""
        key = (base.hash, tuple(sorted(changes.items())))
        if self.memo and key in self._params:
            return self._params[key]
        try:
            params = base.replace(**changes)
        except D4DError:
            params = None
        if self.memo:
            self._params[key] = params
        return params

    def report(self, model_cls, params: Params, families: tuple[str, ...] | None):
        """The check report of ``params`` for ``families`` (None: every family), or None when the
        design cannot be built. Counts one evaluation when it is not in the memo; may raise
        ``_OutOfBudget`` before a new one."""
        from . import run_checks

        self.stats.lookups += 1
        key = (params.hash, families, self._kw_key)
        if self.memo and key in self._reports:
            return self._reports[key]
        self._tick()
        if not self.memo or params.hash not in self._designs:
            try:
                design = model_cls.design(params)
            except D4DError:
                design = None
            self.stats.builds += 1
            if self.memo:
                self._designs[params.hash] = design
        else:
            design = self._designs[params.hash]
        kw = self.kw if families is None else {**self.kw, "families": families}
        report = None if design is None else run_checks(design, **kw)
        self.stats.evaluations += 1
        self.stats.seconds = self.clock() - self._start
        if self.memo:
            self._reports[key] = report
        if self.progress:
            self.progress(self.stats)
        return report

    def passes(self, model_cls, params: Params, code: str) -> bool:
        """True when ``params`` builds and ``code`` has no error in its family (and no check failed); an
        ergonomic code (``ERGO-``) must have no warning either."""
        report = self.report(model_cls, params, (family_of(code) or "stability",))
        bad = ("error", "warning") if code.startswith("ERGO") else ("error",)
        return report is not None and not any(f.code == code and f.severity in bad for f in report.findings) \
            and not any(f.code == "CHECK-FAILED" for f in report.findings)


def _passes(model_cls, params: Params, code: str, kw: dict) -> bool:
    """One-off: does ``params`` pass ``code`` (no memo, no budget)."""
    return FixSearch(kw, memo=False, time_budget=None, max_evaluations=None).passes(model_cls, params, code)


def _grid(spec, lo: float, hi: float) -> list[float]:
    n = int(round((hi - lo) / spec.step))
    return [round(lo + i * spec.step, 6) for i in range(n + 1)]


def nearest_passing(model_cls, params: Params, name: str, code: str, kw: dict | None = None, *,
                    search: FixSearch | None = None, within: float | None = None) -> Any | None:
    """The value of parameter ``name`` nearest its current one that makes ``code`` pass, or None.

    ``within``: only a value at most this far (as a fraction of the range) is wanted; coarse
    points farther than that plus one coarse step are not tried (what lies within is still
    found exactly). ``search`` carries the memo and budget (a fresh one from ``kw`` otherwise).
    """
    search = search or FixSearch(kw or {})
    key = (params.hash, name, code, within)
    if search.memo and key in search._nearest:
        return search._nearest[key]
    spec = model_cls.schema.specs[name]
    v0 = params[name]
    grid = _grid(spec, spec.min, spec.max)
    step = max(1, len(grid) // COARSE)
    coarse = sorted(set(grid[::step] + [grid[-1]]), key=lambda v: abs(v - v0))
    if within is not None:
        reach = within * (spec.max - spec.min) + step * spec.step + 1e-9
        coarse = [v for v in coarse if abs(v - v0) <= reach]

    def ok(value) -> bool:
        value = int(value) if isinstance(spec, Count) else value
        candidate = search.params(params, {name: value})
        return candidate is not None and search.passes(model_cls, candidate, code)

    found = None
    for value in coarse:
        if value == v0 or not ok(value):
            continue
        inner = [g for g in grid if min(v0, value) < g < max(v0, value)]
        inner.sort(key=lambda g: abs(g - v0))
        lo, hi = 0, len(inner)  # bisection over grid points between v0 and the passing value
        best = value
        while lo < hi:
            mid = (lo + hi) // 2
            if ok(inner[mid]):
                best, hi = inner[mid], mid
            else:
                lo = mid + 1
        found = int(best) if isinstance(spec, Count) else best
        break
    if search.memo:
        search._nearest[key] = found
    return found


def _describe(spec, v0, value) -> str:
    verb = "increase" if value > v0 else "decrease"
    bound = ">=" if value > v0 else "<="
    unit = f" {spec.unit}" if spec.unit else ""
    return f"{verb} {spec.name} to {bound} {value:g}{unit}"


def _options(cls, params: Params, code: str, search: FixSearch, *, settle: bool) -> list[tuple[float, str, Any]]:
    """``(distance as a fraction of the range, name, value)`` of every candidate parameter that fixes
    ``code``, nearest first. ``settle``: stop once the ``SHOWN`` nearest are certain."""
    options: list[tuple[float, str, Any]] = []
    for name in _candidates(cls, code):
        spec = cls.schema.specs[name]
        within = sorted(o[0] for o in options)[SHOWN - 1] if settle and len(options) >= SHOWN else None
        value = nearest_passing(cls, params, name, code, search=search, within=within)
        if value is not None:
            options.append((abs(value - params[name]) / (spec.max - spec.min), name, value))
    options.sort(key=lambda o: o[0])
    return options


def suggested(finding) -> bool:
    """True for a finding the fix search suggests a change for: an error of a known family, or an
    ergonomic warning (a seat too low or narrow for a figure, a back below its lumbar region); not
    ``ERGO-PERCH``, which names the seat height that seats the figures it leaves out."""
    if family_of(finding.code) is None or finding.code == "ERGO-PERCH":  # a perch carries its own fix
        return False
    return finding.severity == "error" or (finding.severity == "warning" and finding.code.startswith("ERGO"))


def suggest_fixes(design: Design, report, *, search: FixSearch | None = None, **kw) -> SearchStats:
    """Fill the ``fix`` text of every error finding (and ergonomic warning, :func:`suggested`) a parameter
    can fix (modifies ``report``).

    Each code is searched once (findings sharing it get the same text). ``kw`` are the
    :func:`run_checks` options; ``search`` (made from ``kw`` when None) carries the memo, budget
    and progress hook into a following :func:`fix`. Returns what the search did.
    """
    from dataclasses import replace

    cls = get_model(design.model)
    search = search or FixSearch(kw)
    search.pin_figures(design)
    texts: dict[str, str | None] = {}
    try:
        for i, finding in enumerate(report.findings):
            if not suggested(finding):
                continue
            if finding.code not in texts or not search.memo:
                texts[finding.code] = None
                options = _options(cls, design.params, finding.code, search, settle=search.memo)
                texts[finding.code] = " or ".join(_describe(cls.schema.specs[n], design.params[n], v)
                                                  for _, n, v in options[:SHOWN]) or None
            if texts[finding.code]:
                report.findings[i] = replace(finding, fix=texts[finding.code])
    except _OutOfBudget:
        pass
    return search.stats


@dataclass
class FixResult:
    """The outcome of :func:`fix`: the nearest passing parameters, or why none was found."""

    ok: bool
    params: Params | None
    changes: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    stats: SearchStats | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        out = {"ok": self.ok, "changes": self.changes, "message": self.message,
               "params": self.params.to_dict() if self.params is not None else None}
        if self.stats is not None:
            out["search"] = {"evaluations": self.stats.evaluations, "seconds": round(self.stats.seconds, 3),
                             "stopped": self.stats.stopped or None}
        return out

    def __str__(self) -> str:
        return self.message


def fix(design: Design, *, search: FixSearch | None = None, **kw) -> FixResult:
    """Find the nearest parameter set that passes every check (one parameter first, then combined).

    ``kw`` are passed to :func:`run_checks` (material, tool_diameter, min_margin, sheet);
    ``search`` (made from ``kw`` when None) shares the memo and budget of :func:`suggest_fixes`.
    The message ends with what was tried ("tried 37 parameter sets in 4.1 s").
    """
    cls = get_model(design.model)
    search = search or FixSearch(kw)
    search.pin_figures(design)
    try:
        report = search.report(cls, design.params, None)
        if report.ok:
            return FixResult(True, design.params, {}, "already passes every check", search.stats)
        proposals: list[tuple[float, str, Any]] = []
        codes = [f.code for f in report.errors if family_of(f.code) is not None]
        for code in dict.fromkeys(codes) if search.memo else codes:
            proposals.extend(_options(cls, design.params, code, search, settle=False))
        proposals.sort()
        tries = [{name: value} for _, name, value in proposals]
        combined: dict[str, Any] = {}
        for _, name, value in proposals:
            combined.setdefault(name, value)
        if len(combined) > 1:
            tries.append(combined)
        for changes in tries:
            params = search.params(design.params, changes)
            checked = None if params is None else search.report(cls, params, None)
            if checked is not None and checked.ok:
                text = ", ".join(_describe(cls.schema.specs[k], design.params[k], v) for k, v in changes.items())
                return FixResult(True, params, changes, f"fix: {text} ({search.stats.text()})", search.stats)
    except _OutOfBudget:
        return FixResult(False, None, {}, f"no fix found before the search stopped ({search.stats.text()}); "
                         "raise the budget (--fix-time) or change a parameter by hand", search.stats)
    codes = ", ".join(sorted({f.code for f in report.errors}))
    return FixResult(False, None, {}, f"no parameter set within the declared ranges fixes {codes}; "
                     f"the design needs a change the parameters cannot make ({search.stats.text()})", search.stats)
