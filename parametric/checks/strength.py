"""Strength: simple beam models for the plates a model's strength load cases name.

Each named part is a beam between its supports (the joints along it); the case's total load is
shared equally among the named parts as a uniform load over the longest span. Formulas
(fabrication-reference.md section 4): simply supported, w in N/mm: deflection 5wL^4/(384EI),
moment wL^2/8, stress 6M/(b h^2). Limits: deflection span/250 (furniture; shelves use span/360,
the "preferred" figure of the shelf rule), stress <= MOR / safety factor of the material, along or
across the grain as the part's grain runs.
"""

from __future__ import annotations

import numpy as np

from ..design import Design, LoadCase
from ..materials import Material
from .report import Finding

SPAN_RATIO = {"furniture": 250.0, "shelf": 360.0}


def _supports(design: Design, name: str) -> np.ndarray:
    """Positions along the part's local u axis where it rests on other parts (joint centres)."""
    part = design.part(name)
    us = []
    for j in design.joints:
        if name in (j.a, j.b):
            centre = np.asarray(j.point) + np.asarray(j.direction) * (j.lo + j.hi) / 2
            us.append(float(part.frame.to_local([centre])[0, 0]))
    return np.sort(np.asarray(us))


def check_case(design: Design, case: LoadCase, materials: dict[str, Material]) -> list[Finding]:
    """Deflection and stress findings for one strength load case."""
    total = sum(np.linalg.norm(f) for _, f in case.loads)
    parts = [p for p in case.parts if p in {q.name for q in design.parts}]
    if not parts or total <= 0:
        return []
    per_part = total / len(parts)
    rule = "shelf" if "shelf" in case.name else "furniture"
    worst: list[tuple[float, Finding]] = []
    for name in parts:
        part = design.part(name)
        mat = materials[part.material]
        supports = _supports(design, name)
        if len(supports) < 2:
            continue
        span = float(np.diff(supports).max())
        if span < 1.0:
            continue
        minx, miny, maxx, maxy = part.outline.bounds
        direction = np.asarray(case.loads[0][1]) / np.linalg.norm(case.loads[0][1])
        in_plane = abs(part.frame.dir_to_local(direction)[1]) >= abs(part.frame.dir_to_local(direction)[2])
        b, h = (part.thickness, maxy - miny) if in_plane else (maxy - miny, part.thickness)
        along = part.grain in (None, "u")
        modulus = mat.modulus_along if along else mat.modulus_across
        w = per_part / span
        inertia = b * h ** 3 / 12
        deflection = 5 * w * span ** 4 / (384 * modulus * inertia)
        stress = 6 * (w * span ** 2 / 8) / (b * h ** 2)
        d_lim = span / SPAN_RATIO[rule]
        s_lim = mat.allowable_stress(along)
        worst.append((deflection / d_lim, Finding(
            "STR-DEFLECT", "error" if deflection > d_lim else "pass",
            f"{name} sags {deflection:.2f} mm over its {span:.0f} mm span under {per_part:.0f} N "
            f"(limit span/{SPAN_RATIO[rule]:.0f} = {d_lim:.2f} mm)", name, deflection, d_lim, d_lim - deflection,
            "mm", case=case.name)))
        worst.append((stress / s_lim + 10, Finding(
            "STR-STRESS", "error" if stress > s_lim else "pass",
            f"{name} is stressed to {stress:.1f} MPa (allowed {s_lim:.1f} MPa = strength / safety factor "
            f"{mat.safety_factor:g})", name, stress, s_lim, s_lim - stress, "MPa", case=case.name)))
    out = []
    for code in ("STR-DEFLECT", "STR-STRESS"):
        items = [f for _, f in sorted(worst, key=lambda t: -t[0]) if f.code == code]
        out.extend(f for f in items if f.severity == "error")
        if items and items[0].severity == "pass":
            out.append(items[0])  # the worst passing part stands for the rest
    return out


def check_strength(design: Design, materials: dict[str, Material]) -> list[Finding]:
    """Findings for every strength load case of the design."""
    out: list[Finding] = []
    for case in design.load_cases:
        if case.kind == "strength":
            out.extend(check_case(design, case, materials))
    return out
