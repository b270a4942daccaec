"""Suggested fixes: search a parameter's declared range for the nearest value that passes.

A model may say which parameters control which finding codes (``fixes = {"STAB-REAR":
["rear_foot", "back_angle"]}``); otherwise every numeric parameter is tried. The search runs
only the check family the finding belongs to, on the parameter's own step grid: a coarse scan of
the range, then bisection between the nearest passing grid point and the current value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..design import Design
from ..errors import D4DError
from ..params import Angle, Count, Length, Params
from ..registry import get_model

FAMILY_OF = {"STAB": "stability", "OVLP": "overlap", "MFG": "manufacturability", "STR": "strength"}
COARSE = 12


def family_of(code: str) -> str | None:
    """The check family that produces a code."""
    return FAMILY_OF.get(code.split("-")[0])


def _candidates(model_cls, code: str) -> list[str]:
    mapping = getattr(model_cls, "fixes", {}) or {}
    names = mapping.get(code) or mapping.get(code.split("-")[0])
    specs = model_cls.schema.specs
    if names:
        return [n for n in names if n in specs]
    return [n for n, s in specs.items() if isinstance(s, (Length, Angle, Count)) and n not in ("thickness",)]


def _passes(model_cls, params: Params, code: str, kw: dict) -> bool:
    from . import run_checks

    try:
        design = model_cls.design(params)
    except D4DError:
        return False
    report = run_checks(design, families=(family_of(code) or "stability",), **kw)
    return not any(f.code == code and f.severity == "error" for f in report.findings) and \
        not any(f.code == "CHECK-FAILED" for f in report.findings)


def _grid(spec, lo: float, hi: float) -> list[float]:
    n = int(round((hi - lo) / spec.step))
    return [round(lo + i * spec.step, 6) for i in range(n + 1)]


def nearest_passing(model_cls, params: Params, name: str, code: str, kw: dict) -> Any | None:
    """The value of parameter ``name`` nearest its current one that makes ``code`` pass, or None."""
    spec = model_cls.schema.specs[name]
    v0 = params[name]
    grid = _grid(spec, spec.min, spec.max)
    step = max(1, len(grid) // COARSE)
    coarse = sorted(set(grid[::step] + [grid[-1]]), key=lambda v: abs(v - v0))

    def ok(value) -> bool:
        value = int(value) if isinstance(spec, Count) else value
        try:
            return _passes(model_cls, params.replace(**{name: value}), code, kw)
        except D4DError:
            return False

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
        return int(best) if isinstance(spec, Count) else best
    return None


def _describe(spec, v0, value) -> str:
    verb = "increase" if value > v0 else "decrease"
    bound = ">=" if value > v0 else "<="
    unit = f" {spec.unit}" if spec.unit else ""
    return f"{verb} {spec.name} to {bound} {value:g}{unit}"


def suggest_fixes(design: Design, report, **kw) -> None:
    """Fill the ``fix`` text of every error finding a parameter can fix (modifies ``report``)."""
    from dataclasses import replace

    cls = get_model(design.model)
    for i, finding in enumerate(report.findings):
        if finding.severity != "error" or family_of(finding.code) is None:
            continue
        options = []
        for name in _candidates(cls, finding.code):
            value = nearest_passing(cls, design.params, name, finding.code, kw)
            if value is not None:
                spec = cls.schema.specs[name]
                options.append((abs(value - design.params[name]) / (spec.max - spec.min), spec, value))
        if options:
            options.sort(key=lambda o: o[0])
            text = " or ".join(_describe(spec, design.params[spec.name], v) for _, spec, v in options[:2])
            report.findings[i] = replace(finding, fix=text)


@dataclass
class FixResult:
    """The outcome of :func:`fix`: the nearest passing parameters, or why none was found."""

    ok: bool
    params: Params | None
    changes: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return {"ok": self.ok, "changes": self.changes, "message": self.message,
                "params": self.params.to_dict() if self.params is not None else None}

    def __str__(self) -> str:
        return self.message


def fix(design: Design, **kw) -> FixResult:
    """Find the nearest parameter set that passes every check (one parameter first, then combined).

    ``kw`` are passed to :func:`run_checks` (material, tool_diameter, min_margin, sheet).
    """
    from . import run_checks

    cls = get_model(design.model)
    report = run_checks(design, **kw)
    if report.ok:
        return FixResult(True, design.params, {}, "already passes every check")
    proposals: list[tuple[float, str, Any]] = []
    for finding in report.errors:
        if family_of(finding.code) is None:
            continue
        for name in _candidates(cls, finding.code):
            value = nearest_passing(cls, design.params, name, finding.code, kw)
            if value is not None:
                spec = cls.schema.specs[name]
                proposals.append((abs(value - design.params[name]) / (spec.max - spec.min), name, value))
    proposals.sort()
    tries = [{name: value} for _, name, value in proposals]
    combined: dict[str, Any] = {}
    for _, name, value in proposals:
        combined.setdefault(name, value)
    if len(combined) > 1:
        tries.append(combined)
    for changes in tries:
        try:
            params = design.params.replace(**changes)
            if run_checks(cls.design(params), **kw).ok:
                text = ", ".join(_describe(cls.schema.specs[k], design.params[k], v) for k, v in changes.items())
                return FixResult(True, params, changes, f"fix: {text}")
        except D4DError:
            continue
    codes = ", ".join(sorted({f.code for f in report.errors}))
    return FixResult(False, None, {}, f"no parameter set within the declared ranges fixes {codes}; "
                     "the design needs a change the parameters cannot make")
