"""Joining a slice kit's plates: the :class:`Kit` container, cross-laps between two crossing families
with the collisions no slot can join resolved, and the assembly order.

Two plates whose sections cross must be slotted, or they would occupy the same space. Where no slot
can join them this module resolves it rather than leave a collision: plates meeting only inside
each other's thickness (not on the crossing line) are trimmed clear; pieces a slot would cut off
(under a tenth of the plate) are removed; otherwise the smaller plate is left out. Each decision is
a coded note (``SLICE-TRIM``, ``SLICE-CLASH``, ``SLICE-ISLAND``, ``SLICE-ASSEMBLY``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon

from .errors import JoineryError
from .joinery import CrossLap, _crossing_line, _intervals, cross_laps, cut_slots, touching_pairs
from .part import FlatPart, dot
from .tolerances import TOL


@dataclass
class Kit:
    """A slice kit before its slots are cut: parts (uncut), the cross-laps and glued pairs joining
    them, and the notes (coded findings as dicts) about what was repaired, dropped or refused."""

    parts: list[FlatPart]
    laps: list[CrossLap] = field(default_factory=list)
    glued: list[tuple[str, str]] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    spacing: dict[str, float] = field(default_factory=dict)
    sections: dict[str, float] = field(default_factory=dict)

    def note(self, code: str, severity: str, message: str, **kw) -> None:
        """Add a coded note (``part``, ``fix``, ``measured``, ``limit``, ``unit`` as keywords)."""
        self.notes.append({"code": code, "severity": severity, "message": message, **kw})

    def envelope_volume(self, family: str) -> float:
        """The volume the kit outlines (mm^3): each section of one family times its plane spacing
        (midpoint rule), to compare with the mesh's volume."""
        return self.sections.get(family, 0.0) * self.spacing.get(family, 0.0)


def _filled(part: FlatPart) -> FlatPart:
    """The part with its holes filled: a crossing that runs through a hole is slotted as one, from the
    outer edges, instead of from the hole's edge (a slot opening into a hole could never slide on)."""
    return part.with_outline(Polygon(part.outline.exterior)) if part.outline.interiors else part


def interlock(kit: Kit, group_a: list[FlatPart], group_b: list[FlatPart] | None, clearance: float,
              share: Callable[[FlatPart, FlatPart], float] | None = None) -> None:
    """Cross-lap every crossing pair (of a with b, or of ``group_a`` among itself when ``group_b`` is
    None; ``share(a, b)``: the fraction of each crossing slotted into a, default half, or None for a
    pair the other joints' slots already keep clear). Where no slot can join a crossing pair (they
    cannot interlock, or the slots would cut a part in two) the two would collide, so the smaller plate
    is left out; an island no joint holds is left out too. Each is noted."""
    refused: dict[tuple[str, str], str] = {}
    found: dict[tuple[str, str], list[CrossLap]] = {}

    def join(pairs) -> None:
        pairs = [(a, b) for a, b in pairs if share is None or share(a, b) is not None]
        filled = {p.name: _filled(p) for pair in pairs for p in pair}
        laps = cross_laps([(filled[a.name], filled[b.name]) for a, b in pairs], clearance=clearance,
                          share_a=[0.5 if share is None else share(a, b) for a, b in pairs])
        for (a, b), out in zip(pairs, laps):
            if isinstance(out, JoineryError):
                refused[a.name, b.name] = str(out)
            else:
                found[a.name, b.name] = out

    pairs = touching_pairs(group_a, group_b)
    join(pairs)
    unjoined = [(a, b) for a, b in pairs if not found.get((a.name, b.name)) and (a.name, b.name) not in refused
                and (share is None or share(a, b) is not None)]
    trimmed = _trim_glancing(kit, unjoined, clearance)
    if trimmed:  # join the trimmed plates again with everything they cross
        group_a = [trimmed.get(p.name, p) for p in group_a]
        group_b = None if group_b is None else [trimmed.get(p.name, p) for p in group_b]
        again = [(a, b) for a, b in touching_pairs(group_a, group_b) if {a.name, b.name} & set(trimmed)]
        for a, b in again:
            found.pop((a.name, b.name), None)
            refused.pop((a.name, b.name), None)
        join(again)
    kit.laps = [lap for laps in found.values() for lap in laps]
    by_part: dict[str, list[CrossLap]] = defaultdict(list)
    for lap in kit.laps:
        by_part[lap.joint.a].append(lap)
        by_part[lap.joint.b].append(lap)
    bad: set[int] = set()
    chipped = []
    for i, part in enumerate(kit.parts):
        laps = [lap for lap in by_part[part.name] if id(lap) not in bad]
        slots = [(lap.joint.b if lap.joint.a == part.name else lap.joint.a,
                  lap.slot_a if lap.joint.a == part.name else lap.slot_b) for lap in laps]
        while slots:
            try:
                cut_slots(part, slots)
                break
            except JoineryError:
                pass
            chip = _chip(part, [slot for _, slot in slots])
            if chip is not None:  # slots cut off a small piece (a knob narrower than a slot): remove it
                chipped.append(f"{part.name} ({part.area - chip.area:.0f} mm^2)")
                part = kit.parts[i] = chip
                continue
            else:  # drop the deepest slot of this part and try again
                k = max(range(len(laps)), key=lambda i: laps[i].joint.hi - laps[i].joint.lo)
                bad.add(id(laps[k]))
                refused[laps[k].joint.a, laps[k].joint.b] = f"its slot would cut {part.name} in two"
                del laps[k], slots[k]
    if chipped:
        kit.note("SLICE-TRIM", "pass", f"{len(chipped)} plates lost small pieces their slots cut off: "
                 + ", ".join(chipped[:5]) + (" ..." if len(chipped) > 5 else ""))
    area = {p.name: p.area for p in kit.parts}
    clash = {}
    for (a, b), why in refused.items():
        if a not in clash and b not in clash:
            small, big = (a, b) if area[a] <= area[b] else (b, a)
            clash[small] = f"{small} (crosses {big}: {why})"
    kit.laps = [lap for lap in kit.laps if id(lap) not in bad and not {lap.joint.a, lap.joint.b} & set(clash)]
    if clash:
        kit.parts = [p for p in kit.parts if p.name not in clash]
        kit.note("SLICE-CLASH", "warning", f"{len(clash)} plates cross another where no slot can join them and "
                 "were left out: " + "; ".join(list(clash.values())[:3]) + (" ..." if len(clash) > 3 else ""),
                 part=", ".join(clash), fix="move the slices (offset_a / offset_b) or change their counts")
    joined = {n for lap in kit.laps for n in (lap.joint.a, lap.joint.b)}
    loose = [p.name for p in kit.parts if p.name not in joined]
    if loose:
        kit.parts = [p for p in kit.parts if p.name in joined]
        kit.note("SLICE-ISLAND", "warning", f"{len(loose)} pieces no slot holds were left out: {', '.join(loose)}",
                 part=", ".join(loose), fix="add slices in the crossing family (count_a / count_b) or shift them so "
                 "every island is crossed")


def _chip(part: FlatPart, slots: list[Polygon]) -> FlatPart | None:
    """The part without the pieces its slots would cut off, when those hold under a tenth of its area
    (else None: the slots really cut it in two)."""
    rest = part.outline.difference(shapely.union_all(slots))
    pieces_ = sorted(getattr(rest, "geoms", [rest]), key=lambda g: -g.area)
    if len(pieces_) < 2 or sum(g.area for g in pieces_[1:]) > 0.1 * part.area:
        return None
    kept = part.outline.difference(shapely.union_all(pieces_[1:]).buffer(TOL.slot_open_extra / 10))
    kept = max(getattr(kept, "geoms", [kept]), key=lambda g: g.area)
    return part.with_outline(kept) if kept.area < part.area - TOL.area else None


def _strip_range(part: FlatPart, p0: np.ndarray, d: np.ndarray, width: float) -> tuple[Polygon, float, float] | None:
    """The part's material within ``width`` of the crossing line (its own 2D frame) and that material's
    extent along the line, or None when there is none."""
    o, u = part.frame.to_local([p0])[0, :2], part.frame.dir_to_local(d)[:2]
    reach = float(np.linalg.norm(np.asarray(part.outline.exterior.coords) - o, axis=1).max()) + 1.0
    perp = np.array([-u[1], u[0]]) * width / 2
    strip = Polygon([o - reach * u - perp, o + reach * u - perp, o + reach * u + perp, o - reach * u + perp])
    hit = part.outline.intersection(strip)
    if hit.area < TOL.area:
        return None
    s = dot(np.asarray(shapely.get_coordinates(hit)) - o, u)
    return strip, float(s.min()), float(s.max())


def _trim_glancing(kit: Kit, pairs, clearance: float) -> dict[str, FlatPart]:
    """Plates that cross only at an edge (their material meets inside each other's thickness but not on
    the crossing line, so no slot can join them) would collide: the plate with less material there is
    cut back clear of the other (largest piece kept), and the trims are noted."""
    trimmed: dict[str, FlatPart] = {}
    notes = []
    for a, b in pairs:
        a, b = trimmed.get(a.name, a), trimmed.get(b.name, b)
        line = _crossing_line(a, b)
        if line is None:
            continue
        p0, d, sin, cos = line
        ra = _strip_range(a, p0, d, (b.thickness + clearance) / sin + a.thickness * cos / sin)
        rb = _strip_range(b, p0, d, (a.thickness + clearance) / sin + b.thickness * cos / sin)
        if ra is None or rb is None or min(ra[2], rb[2]) - max(ra[1], rb[1]) <= TOL.slot_open_extra:
            continue
        if _meet_on_line(a, b, p0, d):
            continue  # they meet on the crossing line: a cross-lap joins them
        (cut, strip, _, _), other = ((a, *ra), rb) if a.outline.intersection(ra[0]).area <= \
            b.outline.intersection(rb[0]).area else ((b, *rb), ra)
        o, u = cut.frame.to_local([p0])[0, :2], cut.frame.dir_to_local(d)[:2]
        span = Polygon([o + (other[1] - 1) * u + (np.array([-u[1], u[0]]) * 1e4),
                        o + (other[2] + 1) * u + (np.array([-u[1], u[0]]) * 1e4),
                        o + (other[2] + 1) * u - (np.array([-u[1], u[0]]) * 1e4),
                        o + (other[1] - 1) * u - (np.array([-u[1], u[0]]) * 1e4)])
        rest = cut.outline.difference(strip.intersection(span))
        parts = sorted(getattr(rest, "geoms", [rest]), key=lambda g: -g.area)
        if not parts or parts[0].is_empty:
            continue
        trimmed[cut.name] = cut.with_outline(parts[0])
        notes.append(f"{cut.name} (clear of {(b if cut is a else a).name}, "
                     f"{cut.outline.area - parts[0].area:.0f} mm^2)")
    if notes:
        kit.note("SLICE-TRIM", "pass", f"{len(notes)} plates meeting only at an edge were trimmed clear of each "
                 "other: " + "; ".join(notes[:4]) + (" ..." if len(notes) > 4 else ""))
        kit.parts = [trimmed.get(p.name, p) for p in kit.parts]
    return trimmed


def _meet_on_line(a: FlatPart, b: FlatPart, p0: np.ndarray, d: np.ndarray) -> bool:
    """True when both plates have material on the crossing line over a common stretch (a cross-lap)."""
    spans = []
    for part in (a, b):
        o, u = part.frame.to_local([p0])[0, :2], part.frame.dir_to_local(d)[:2]
        spans.append(_intervals(part.outline, o, u))
    return any(min(ahi, bhi) - max(alo, blo) > TOL.slot_open_extra for alo, ahi in spans[0] for blo, bhi in spans[1])


def assembly_order(parts: list[str], joints) -> tuple[list[str], list[str]]:
    """An order in which each part slides onto those already placed along one straight line, and the
    parts for which none exists (their slots would have to move several ways at once).

    Found backwards: a part whose cross-laps with the parts still in place all release it the same
    way comes out first; repeat. Glued joints do not constrain the order.
    """
    release: dict[str, list[tuple[str, np.ndarray]]] = defaultdict(list)
    for j in joints:
        if j.kind == "cross_lap":
            d = j.insert_b  # b slides in along d, so it comes out along -d and a along +d
            release[j.b].append((j.a, -d))
            release[j.a].append((j.b, d))
    remaining, out = set(parts), []
    progress = True
    while remaining and progress:
        progress = False
        for p in sorted(remaining):
            dirs = [d for other, d in release[p] if other in remaining]
            if all(float(np.dot(d, dirs[0])) > 1 - 1e-6 for d in dirs):
                remaining.discard(p)
                out.append(p)
                progress = True
    return out[::-1], sorted(remaining)


def assembly_note(kit: Kit) -> None:
    order, stuck = assembly_order([p.name for p in kit.parts], [lap.joint for lap in kit.laps])
    if stuck:
        kit.note("SLICE-ASSEMBLY", "error", f"{len(stuck)} parts cannot be slid into place (their slots open in "
                 f"different directions): {', '.join(stuck)}", part=", ".join(stuck),
                 fix="change the slice counts or offsets so each part's slots open the same way")
    elif kit.laps:
        kit.note("SLICE-ASSEMBLY", "pass", f"every slot slides together; one order: {', '.join(order[:6])}"
                 + (" ..." if len(order) > 6 else ""))


