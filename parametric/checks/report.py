"""Coded, measured findings and the check report (the ezdxf audit habit: stable codes)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

#: severities, worst first
SEVERITIES = ("error", "warning", "pass")


@dataclass(frozen=True)
class Finding:
    """One measured check result.

    Attributes:
        code: stable id (``STAB-REAR``, ``OVLP``, ``MFG-NECK``...).
        severity: ``"error"`` (must fix), ``"warning"`` (should look) or ``"pass"``.
        message: one sentence a designer understands.
        part: the part (or ``"a + b"`` pair) concerned, if any.
        measured, limit, unit: the measured value, the limit it is held against, their unit.
        margin: how far inside the limit (positive = passes), in ``unit``.
        fix: a suggested change (``"increase rear_foot to >= 85 mm"``), if one was found.
        case: the load case, for stability and strength findings.
        edge: for stability, the support-polygon edge it would tip over (front/rear/left/right).
        tip_force: for stability, the extra horizontal force (N) that would tip it about that edge.
    """

    code: str
    severity: str
    message: str
    part: str = ""
    measured: float | None = None
    limit: float | None = None
    margin: float | None = None
    unit: str = ""
    fix: str = ""
    case: str = ""
    edge: str = ""
    tip_force: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible (infinite numbers become None)."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in asdict(self).items()}


@dataclass
class CheckReport:
    """All findings for one design, plus geometry the viewer overlays (not serialised).

    Attributes:
        model, hash: which design was checked.
        findings: every finding, passes included.
        mass_kg, centre_of_mass: mass properties of the product (mm).
        support_polygon: floor-contact convex hull, ``[(x, y), ...]`` mm.
        cops: per stability case, the resultant's floor point ``(x, y)``.
        overlaps: per overlapping pair ``"a + b"``, the intersection as a trimesh mesh.
        seconds: how long the checks took.
    """

    model: str
    hash: str
    findings: list[Finding] = field(default_factory=list)
    mass_kg: float = 0.0
    centre_of_mass: tuple[float, float, float] = (0.0, 0.0, 0.0)
    support_polygon: list[tuple[float, float]] = field(default_factory=list)
    cops: dict[str, tuple[float, float]] = field(default_factory=dict)
    overlaps: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity error."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """Findings of severity warning."""
        return [f for f in self.findings if f.severity == "warning"]

    def by_code(self, code: str) -> list[Finding]:
        """Findings with this code."""
        return [f for f in self.findings if f.code == code]

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible report (``check.json``)."""
        return {"model": self.model, "hash": self.hash, "ok": self.ok,
                "errors": len(self.errors), "warnings": len(self.warnings),
                "mass_kg": round(self.mass_kg, 3), "centre_of_mass": [round(c, 2) for c in self.centre_of_mass],
                "support_polygon": [[round(x, 2), round(y, 2)] for x, y in self.support_polygon],
                "cops": {k: [round(v[0], 2), round(v[1], 2)] for k, v in self.cops.items()},
                "seconds": round(self.seconds, 4), "findings": [f.to_dict() for f in self.findings]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CheckReport":
        """Inverse of :meth:`to_dict` (without the overlap meshes)."""
        return cls(data["model"], data["hash"], [Finding(**f) for f in data["findings"]], data["mass_kg"],
                   tuple(data["centre_of_mass"]), [tuple(p) for p in data["support_polygon"]],
                   {k: tuple(v) for k, v in data["cops"].items()}, {}, data.get("seconds", 0.0))


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return "inf"
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:.0f}"


def format_table(report: CheckReport, *, show_passes: bool = True) -> str:
    """A readable plain-text table of the findings, worst first."""
    rows = sorted(report.findings, key=lambda f: (SEVERITIES.index(f.severity), f.code, f.part))
    if not show_passes:
        rows = [f for f in rows if f.severity != "pass"]
    header = ("", "code", "part / case", "measured", "limit", "margin", "unit")
    lines = [(f.severity.upper(), f.code, f.part or f.case, _num(f.measured), _num(f.limit), _num(f.margin), f.unit)
             for f in rows]
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    for f, line in zip(rows, lines):
        out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())
        if f.severity != "pass":
            out.append(f"      {f.message}" + (f" Fix: {f.fix}." if f.fix else ""))
    verdict = "PASS" if report.ok else f"FAIL ({len(report.errors)} error(s))"
    out.append(f"{verdict}: {len(report.findings)} checks, {len(report.warnings)} warning(s); "
               f"mass {report.mass_kg:.1f} kg")
    return "\n".join(out)
