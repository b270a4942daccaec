"""Standard load cases for seating (EN 1022:2018, ISO 7174-1), declared once for every model.

Figures from fabrication-reference.md section 4. Points are product mm, forces N; the stability
cases add the product's own weight in the checks.
"""

from __future__ import annotations

from collections.abc import Sequence

#: body mass used for seating loads: EN 1022:2018 covers adults up to 110 kg
USER_N = 110 * 9.81
#: EN 1022:2018 overturning: 600 N vertical plus 20 N horizontal at the loading point
STAB_N, PUSH_N = 600.0, 20.0
#: EN 1022:2018: loading points 60 mm in from the front / side edge
EDGE_MM = 60.0
#: EN 1022 / ISO 7174-1 rearward: 600 N at A, 175 mm forward of the seat/back line, and a horizontal
#: force at B, 300 mm above the seat (if B is moved, force x height is kept). The standard's force
#: was not available to us (fabrication-reference.md, open questions): 150 N is our working value
#: (a 110 kg sitter pushing back with 14 % of their weight); the checks also report the tipping force.
REAR_A_MM, REAR_B_MM, REAR_N = 175.0, 300.0, 150.0

#: floor friction for the sliding check (STAB-SLIDE): 0.4 is a PROJECT CHOICE, not a measured or
#: cited value (fabrication-reference.md gives none; d4d issue #13 set it for furniture on a hard
#: floor). It decides only the STAB-SLIDE warning, never a tipping result: a push that the floor's grip
#: (0.4 x the vertical load) cannot hold slides the product before it tips, so the tip check alone
#: would overstate how much push the product resists sideways; the warning says so. A slipperier floor
#: (felt pads, polished stone) slides sooner: replace it when a measured value exists.
FLOOR_MU = 0.4

Vec = Sequence[float]


def seating(model, *, seat: Vec, front: Vec, side: Vec, outward: Vec = (0.0, -1.0), users: int = 1,
            seat_parts: Sequence[str] = (), seat_part_case: str = "seat_load") -> None:
    """Declare the seated, forward and sideways cases (and the seat's strength case) on a model.

    Args:
        seat: the middle of the seat; front / side: the loading points 60 mm in from those edges.
        outward: the horizontal forward direction (x, y) for the forward push.
        seat_parts: parts that carry the sitter (for the strength case), if any.
    """
    model.load("seated", [(seat, (0, 0, -USER_N * users))], standard="EN 1022:2018 user mass")
    model.load("front_edge", [(front, (0, 0, -STAB_N)), (front, (PUSH_N * outward[0], PUSH_N * outward[1], 0))],
               standard="EN 1022:2018 forward overturning")
    model.load("sideways", [(side, (0, 0, -STAB_N)), (side, (PUSH_N, 0, 0))],
               standard="EN 1022:2018 sideways overturning")
    if seat_parts:
        model.load(seat_part_case, [(seat, (0, 0, -USER_N * users))], kind="strength", parts=list(seat_parts),
                   standard="EN 1022:2018 user mass on the seat")


def rearward(model, *, a: Vec, b: Vec, seat_z: float) -> None:
    """Declare the rearward (lean back) case: 600 N at A and the horizontal push at B."""
    push = REAR_N * REAR_B_MM / max(b[2] - seat_z, 1.0)
    model.load("lean_back", [(a, (0, 0, -STAB_N)), (b, (0, push, 0))],
               standard="EN 1022:2018 / ISO 7174-1 rearward overturning")


def figure_cases(seat, figures: Sequence[str]) -> list:
    """The seated figure as the load of a seated and (with a back) a lean-back stability case per figure.

    Seated (``STAB-FIG-SEATED``): every place of ``seat`` holds the figure sitting upright, each segment's
    weight at its centre of mass (:mod:`parametric.figure`); the floor carries the feet and shanks when
    they reach it. Lean back (``STAB-FIG-REAR``): the figure laid back along the back line, plus the
    rearward push of the EN 1022 case scaled to the figure (``REAR_N`` for 110 kg, at the back
    ``REAR_B_MM`` above the seat or its top, force x height kept).
    """
    from .design import LoadCase
    from .figure import G, poses, seat_frame

    back = -seat_frame(seat)[0]
    cases = []
    for name in figures:
        for posture, code in (("upright", "STAB-FIG-SEATED"), ("lean_back", "STAB-FIG-REAR")):
            if posture == "lean_back" and seat.back_top is None:
                continue
            loads = []
            for placed in poses(seat, name, posture):
                loads += [(tuple(map(float, s.com)), (0.0, 0.0, -s.mass * G)) for s in placed.loads_on()]
                if posture == "lean_back":
                    height = max(float(placed.back_contact[2]) - seat.back[2], 1.0)
                    push = REAR_N * placed.mass * G / USER_N * REAR_B_MM / height  # REAR_N is for 110 kg
                    loads.append((tuple(map(float, placed.back_contact)), (push * back[0], push * back[1], 0.0)))
            label = "seated" if posture == "upright" else "lean_back"
            cases.append(LoadCase(f"{label}:{name}", tuple(loads), standard=f"seated figure {name} ("
                                  + ("upright" if posture == "upright" else "leaning back, EN 1022 rearward push "
                                     "scaled to its mass") + ")", code=code))
    return cases
