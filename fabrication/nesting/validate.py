"""Independent layout checker, written with shapely only (it shares no code with the engine).

Every placed part must lie inside the usable sheet (the sheet, or an offcut's outline, less the
edge margin), no two parts
may come closer than the spacing (touching is allowed when the spacing is 0), parts inside
another part's hole must respect that hole, and every demanded instance must be placed once.
"""

from __future__ import annotations

from collections import Counter

import shapely
from shapely import affinity
from shapely.geometry import box

from parametric.errors import FabricationError

#: relative slack: float round-off, far below any machine's accuracy
REL_TOL = 1e-6


def _placed(part_polygon, placement):
    shape = affinity.scale(part_polygon, -1.0, 1.0, origin=(0, 0)) if placement.mirrored else part_polygon
    shape = affinity.rotate(shape, placement.rotation, origin=(0, 0)) if placement.rotation else shape
    return affinity.translate(shape, placement.x, placement.y)


def problems(result, *, spacing: float, margin: float) -> list[str]:
    """Everything wrong with a nesting result, as sentences (empty when the layout is valid)."""
    out: list[str] = []
    counts = Counter()
    for k, sheet in enumerate(result.sheets, 1):
        st = sheet.stock
        scale = max(st.width, st.height)
        usable = box(margin, margin, st.width - margin, st.height - margin)
        rectangle = getattr(st, "shape", None) is None
        if not rectangle:  # an offcut: its own outline less the margin
            usable = st.shape.buffer(-margin) if margin > 0 else st.shape
        polys = []
        for pl in sheet.placements:
            counts[(pl.part_id, pl.instance)] += 1
            poly = _placed(result.parts[pl.part_id].polygon, pl)
            x0, y0, x1, y1 = poly.bounds  # on a whole sheet, bounds inside the box: nothing outside
            inside = rectangle and x0 >= margin and y0 >= margin and x1 <= st.width - margin and y1 <= st.height - margin
            outside = 0.0 if inside else poly.difference(usable).area
            if outside > REL_TOL * scale:
                out.append(f"sheet {k}: {pl.part_id}#{pl.instance} lies {outside:.3g} mm^2 outside the usable sheet")
            polys.append((pl, poly))
        tree = shapely.STRtree([p for _, p in polys])
        for i, (pl, poly) in enumerate(polys):
            for j in tree.query(poly, predicate="dwithin", distance=max(spacing - REL_TOL * scale, 0.0)):
                if j <= i:
                    continue
                other_pl, other = polys[j]
                if spacing > 0:
                    gap = poly.distance(other)
                    if gap < spacing - REL_TOL * scale:
                        out.append(f"sheet {k}: {pl.part_id}#{pl.instance} and {other_pl.part_id}#{other_pl.instance} "
                                   f"are {gap:.4g} mm apart (spacing {spacing:g} mm)")
                else:
                    area = poly.intersection(other).area
                    if area > REL_TOL * scale:
                        out.append(f"sheet {k}: {pl.part_id}#{pl.instance} and {other_pl.part_id}#{other_pl.instance} "
                                   f"overlap by {area:.3g} mm^2")
    for part_id, part in result.parts.items():
        for inst in range(part.quantity):
            n = counts.get((part_id, inst), 0)
            if n != 1:
                out.append(f"{part_id}#{inst} is placed {n} times (should be once)")
    extra = [key for key in counts if key[0] not in result.parts or key[1] >= result.parts[key[0]].quantity]
    out += [f"{pid}#{inst} was not demanded" for pid, inst in extra]
    return out


def check(result, *, spacing: float, margin: float) -> None:
    """Raise FabricationError listing the problems, if any."""
    found = problems(result, spacing=spacing, margin=margin)
    if found:
        raise FabricationError("invalid layout: " + "; ".join(found[:5]) + (" ..." if len(found) > 5 else ""))
