"""Bill of materials / cut list: identical parts grouped, sizes, cut length, sheets, time and cost.

Cut time follows fabrication-reference.md section 2 (t ~ sum L*ceil(T/doc)/F + plunges + rapids on
a router, L/v + pierces on a laser) and adds what a real job also spends (:func:`job_seconds`):
lead-ins, travel between contours at the rapid speed, engraving the label strokes and, on a router,
one tool change per bit used. The travel, lead-in, engraving and tool-change figures are the
machine profile's (defaults in :data:`fabrication.machines.DEFAULT_MOTION`, ours).

Material cost is by whole sheets (a shop sells the sheets a job uses) or by the area of the parts
(a shop that keeps its offcuts), the material's price per m^2 at the sheet thickness either way.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field

from parametric.design import Design
from parametric.errors import FabricationError
from parametric.materials import Material

from .layout import SheetLayout
from .machines import Machine
from .toolpath import CutPart

#: how material is charged: by the whole sheets the layout uses, or by the area of the parts
COST_BY = ("sheet", "area")
#: the parts of the cut-time estimate, in the order the BOM shows them
TIME_PARTS = ("cutting", "pierces", "lead_ins", "rapids", "engraving", "tool_changes")


@dataclass(frozen=True)
class BomRow:
    """One line of the cut list: a group of identical parts."""

    id: str
    name: str
    labels: tuple[str, ...]
    quantity: int
    material: str
    thickness: float
    size: tuple[float, float]
    area: float
    cut_length: float
    sheets: tuple[int, ...]
    note: str = ""


@dataclass(frozen=True)
class Bom:
    """The cut list and its totals."""

    rows: tuple[BomRow, ...]
    sheets: int
    sheet_size: tuple[float, float]
    utilisation: float
    cut_length: float
    cut_seconds: float
    material_cost: float
    machine: str
    material: str
    cost_by: str = "sheet"
    price_per_m2: float = 0.0
    area_used: float = 0.0
    time: dict[str, float] = field(default_factory=dict)
    travel: float = 0.0
    engrave_length: float = 0.0
    tools: int = 0

    def csv(self) -> str:
        """The cut list as CSV text (one row per part group, then totals)."""
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["part_id", "name", "labels", "quantity", "material", "thickness_mm", "width_mm", "height_mm",
                    "area_mm2", "cut_length_mm", "sheets", "note"])
        for r in self.rows:
            w.writerow([r.id, r.name, " ".join(r.labels), r.quantity, r.material, r.thickness, f"{r.size[0]:.1f}",
                        f"{r.size[1]:.1f}", f"{r.area:.1f}", f"{r.cut_length:.1f}", " ".join(map(str, r.sheets)),
                        r.note])
        w.writerow([])
        w.writerow(["total_sheets", self.sheets, "sheet_size_mm", f"{self.sheet_size[0]:g}x{self.sheet_size[1]:g}"])
        w.writerow(["utilisation", f"{self.utilisation:.3f}"])
        w.writerow(["cut_length_m", f"{self.cut_length / 1000:.2f}"])
        w.writerow(["cut_time_min", f"{self.cut_seconds / 60:.1f}", "machine", self.machine])
        for part in TIME_PARTS:
            w.writerow([f"time_{part}_min", f"{self.time.get(part, 0.0) / 60:.2f}"])
        w.writerow(["rapid_travel_m", f"{self.travel / 1000:.2f}", "engrave_length_m", f"{self.engrave_length / 1000:.2f}",
                    "tools", self.tools])
        w.writerow(["material_cost", f"{self.material_cost:.2f}", "material", self.material])
        w.writerow(["cost_by", self.cost_by, "price_per_m2", f"{self.price_per_m2:.2f}", "area_used_m2",
                    f"{self.area_used / 1e6:.3f}"])
        return buf.getvalue()

    def time_text(self) -> str:
        """The cut time's parts in words (minutes), e.g. ``cutting 40.1, pierces 3.2, ...``."""
        return ", ".join(f"{part.replace('_', ' ')} {self.time.get(part, 0.0) / 60:.1f}" for part in TIME_PARTS)

    def cost_text(self) -> str:
        """How the material cost was reached, in words."""
        basis = (f"{self.sheets} whole sheet(s) of {self.sheet_size[0]:g} x {self.sheet_size[1]:g} mm"
                 if self.cost_by == "sheet" else f"the parts' area, {self.area_used / 1e6:.2f} m^2")
        return f"{self.material_cost:.2f} ({self.material}, {self.price_per_m2:.2f} per m^2, by {basis})"

    def markdown(self) -> str:
        """The cut list as a Markdown table with totals (for the bundle README)."""
        lines = ["| id | part | qty | size (mm) | area (mm^2) | cut length (mm) | sheet |", "|---|---|---|---|---|---|---|"]
        for r in self.rows:
            lines.append(f"| {r.id} | {r.name} ({', '.join(r.labels)}) | {r.quantity} | {r.size[0]:.0f} x "
                         f"{r.size[1]:.0f} | {r.area:.0f} | {r.cut_length:.0f} | {', '.join(map(str, r.sheets))} |")
        lines += ["", f"- sheets: {self.sheets} of {self.sheet_size[0]:g} x {self.sheet_size[1]:g} mm, "
                  f"utilisation {self.utilisation:.0%}",
                  f"- cut length: {self.cut_length / 1000:.1f} m; estimated cut time on {self.machine}: "
                  f"{self.cut_seconds / 60:.0f} min (minutes: {self.time_text()}; {self.travel / 1000:.1f} m of "
                  f"rapid travel, {self.engrave_length / 1000:.1f} m of engraving, {self.tools} bit(s))",
                  f"- material cost: {self.cost_text()}"]
        return "\n".join(lines)


def make_bom(design: Design, cut_parts: dict[str, CutPart], sheets: list[SheetLayout], machine: Machine,
             material: Material, *, cost_by: str = "sheet", operations: list | None = None) -> Bom:
    """Group identical parts and total sheets, utilisation, cut length, cut time and material cost.

    Cut length is measured on the prepared (compensated or relieved) contours; time is
    :func:`job_seconds` (cutting and pierces as :meth:`fabrication.machines.Machine.cut_seconds`,
    one pierce per contour, plus lead-ins, rapids, engraving and tool changes).

    Args:
        cost_by: ``"sheet"`` (whole sheets used) or ``"area"`` (the parts' area), see :data:`COST_BY`.
        operations: each sheet's operations in cutting order (:func:`fabrication.export.sheetwalk.walk`);
            walked here (without notes) when not given.

    Raises:
        FabricationError: ``cost_by`` is not one of :data:`COST_BY`.
    """
    if cost_by not in COST_BY:
        raise FabricationError(f"unknown cost basis {cost_by!r}; use {' or '.join(COST_BY)} (--cost-by)")
    on_sheet: dict[str, set[int]] = {}
    for s in sheets:
        for p in s.placed:
            on_sheet.setdefault(p.part.name, set()).add(s.index)
    groups: dict[tuple, list[CutPart]] = {}
    for cut in cut_parts.values():
        part = cut.part
        key = (part.role, part.material, part.thickness, round(part.area, 1), round(part.cut_length, 1),
               tuple(round(v, 1) for v in part.size))
        groups.setdefault(key, []).append(cut)
    rows = []
    for i, cuts in enumerate(groups.values()):
        first = cuts[0].part
        quantity = sum(c.part.quantity for c in cuts)
        cut_len = sum(_contour_length(c) * c.part.quantity for c in cuts) / quantity
        note = "" if all(c.label for c in cuts) else "label omitted: no room inside the part"
        rows.append(BomRow(_letters(i), first.role, tuple(c.part.label for c in cuts), quantity, first.material,
                           first.thickness, first.size, first.area, cut_len,
                           tuple(sorted(set().union(*(on_sheet.get(c.part.name, set()) for c in cuts)))), note))
    total_cut = sum(r.cut_length * r.quantity for r in rows)
    pierces = sum((1 + len(c.outline.interiors)) * c.part.quantity for c in cut_parts.values())
    thickness = max((c.part.thickness for c in cut_parts.values()), default=0.0)
    if operations is None:
        from .export.sheetwalk import walk

        operations = [walk(s, cut_parts, notes=False) for s in sheets]
    time, travel, engraved, tools = job_seconds(machine, operations, total_cut, pierces, thickness)
    w, h = (sheets[0].width, sheets[0].height) if sheets else (0.0, 0.0)
    util = sum(s.utilisation for s in sheets) / len(sheets) if sheets else 0.0
    price = material.price_m2(thickness)
    used = sum(c.finished.area * c.part.quantity for c in cut_parts.values())
    bought = sum(s.outline.area if s.outline is not None else s.width * s.height for s in sheets)
    cost = (bought if cost_by == "sheet" else used) / 1e6 * price
    return Bom(tuple(rows), len(sheets), (w, h), util, total_cut, sum(time.values()), cost, machine.name,
               material.name, cost_by, price, used, time, travel, engraved, tools)


def job_seconds(machine: Machine, operations: list, cut_length: float, pierces: int,
                thickness: float) -> tuple[dict[str, float], float, float, int]:
    """The cut time's parts (seconds, keys :data:`TIME_PARTS`), rapid travel (mm), engraved length (mm)
    and the number of bits used.

    Cutting and pierces are :meth:`Machine.cut_seconds` (reference section 2: every pass of a router
    plunges again); each contour also starts with ``machine.lead_in`` mm per pass at the cutting
    speed; the head travels at ``machine.rapid`` from the origin to the start of every cut contour
    and engraved stroke in cutting order and back; label strokes are engraved at
    ``machine.engrave_speed`` (a router plunges once per stroke); a router changes bits once per
    bit used (the cutting bit, plus an engraving bit when labels are engraved).

    Args:
        operations: each sheet's operations in cutting order (``sheetwalk.Operation``).
        cut_length: total contour length (mm); pierces: number of contours cut.
    """
    passes = math.ceil(thickness / machine.depth_per_pass) if machine.is_router else 1
    speed = machine.feed / 60.0 if machine.is_router else machine.laser_speed(thickness)
    cutting = machine.cut_seconds(cut_length, 0, thickness)
    travel = engraved = 0.0
    strokes = 0
    for ops in operations:
        here = (0.0, 0.0)
        for op in ops:
            if op.kind not in ("inside", "outside", "engrave"):
                continue
            for path in op.paths:
                start = path[0][:2]
                travel += math.dist(here, start)
                if op.kind == "engrave":
                    strokes += 1
                    engraved += sum(math.dist(a[:2], b[:2]) for a, b in zip(path, path[1:]))
                    here = path[-1][:2]
                else:
                    here = start
        travel += math.dist(here, (0.0, 0.0))
    tools = (1 + (strokes > 0)) if machine.is_router else 0
    time = {"cutting": cutting,
            "pierces": pierces * passes * machine.pierce_time,
            "lead_ins": pierces * passes * machine.lead_in / speed,
            "rapids": travel / machine.rapid,
            "engraving": engraved / machine.engrave_speed + (strokes * machine.pierce_time if machine.is_router else 0),
            "tool_changes": tools * machine.tool_change}
    return time, travel, engraved, tools


def _contour_length(cut: CutPart) -> float:
    return cut.outline.exterior.length + sum(r.length for r in cut.outline.interiors)


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = chr(65 + rem) + out
    return out

