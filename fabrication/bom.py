"""Bill of materials / cut list: identical parts grouped, sizes, cut length, sheets, time and cost."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from parametric.design import Design
from parametric.materials import Material

from .layout import SheetLayout
from .machines import Machine
from .toolpath import CutPart


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
        w.writerow(["material_cost", f"{self.material_cost:.2f}", "material", self.material])
        return buf.getvalue()

    def markdown(self) -> str:
        """The cut list as a Markdown table with totals (for the bundle README)."""
        lines = ["| id | part | qty | size (mm) | area (mm^2) | cut length (mm) | sheet |", "|---|---|---|---|---|---|---|"]
        for r in self.rows:
            lines.append(f"| {r.id} | {r.name} ({', '.join(r.labels)}) | {r.quantity} | {r.size[0]:.0f} x "
                         f"{r.size[1]:.0f} | {r.area:.0f} | {r.cut_length:.0f} | {', '.join(map(str, r.sheets))} |")
        lines += ["", f"- sheets: {self.sheets} of {self.sheet_size[0]:g} x {self.sheet_size[1]:g} mm, "
                  f"utilisation {self.utilisation:.0%}",
                  f"- cut length: {self.cut_length / 1000:.1f} m; estimated cut time on {self.machine}: "
                  f"{self.cut_seconds / 60:.0f} min",
                  f"- material cost: {self.material_cost:.2f} ({self.material})"]
        return "\n".join(lines)


def make_bom(design: Design, cut_parts: dict[str, CutPart], sheets: list[SheetLayout], machine: Machine,
             material: Material) -> Bom:
    """Group identical parts and total sheets, utilisation, cut length, cut time and material cost.

    Cut length is measured on the prepared (compensated or relieved) contours; time follows
    :meth:`fabrication.machines.Machine.cut_seconds` with one pierce per contour.
    """
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
    seconds = machine.cut_seconds(total_cut, pierces, thickness)
    w, h = (sheets[0].width, sheets[0].height) if sheets else (0.0, 0.0)
    util = sum(s.utilisation for s in sheets) / len(sheets) if sheets else 0.0
    cost = len(sheets) * w * h / 1e6 * material.price_per_m2
    return Bom(tuple(rows), len(sheets), (w, h), util, total_cut, seconds, cost, machine.name, material.name)


def _contour_length(cut: CutPart) -> float:
    return cut.outline.exterior.length + sum(r.length for r in cut.outline.interiors)


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        out = chr(65 + rem) + out
    return out

