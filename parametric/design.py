"""A design: the flat parts of one product, the joints between them, its load cases and provenance."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import GeometryError
from .part import FlatPart

if TYPE_CHECKING:
    from .params import Params

#: version of the design.json layout
DESIGN_FORMAT = 1


@dataclass(frozen=True)
class Joint:
    """A derived joint between two parts.

    For a cross-lap (``kind == "cross_lap"``) the plates' mid-planes meet along the line
    ``point + s * direction``; both parts have material along it for ``lo <= s <= hi``.
    Part ``a`` is slotted over ``[lo, mid]`` (its slot opens from its edge at ``lo``) when
    ``a_opens == "lo"``, else over ``[mid, hi]``; part ``b`` takes the other half, so the
    slot depths add up to the crossing. ``b`` assembles onto ``a`` by moving along
    ``insert_b`` (a unit vector in product coordinates).

    Attributes:
        kind: ``"cross_lap"`` (finger joints and tabs use other kinds).
        a, b: names of the two parts.
        point, direction: the crossing line, product coordinates.
        lo, mid, hi: positions along the line (mm).
        width_a, width_b: drawn slot widths in a and b (mm), from the measured thickness + clearance.
        angle_deg: angle between the two plates (90 = square).
        a_opens: ``"lo"`` or ``"hi"``: the end of the crossing where a's slot opens.
    """

    kind: str
    a: str
    b: str
    point: tuple[float, float, float]
    direction: tuple[float, float, float]
    lo: float
    mid: float
    hi: float
    width_a: float
    width_b: float
    angle_deg: float
    a_opens: str

    @property
    def depth_a(self) -> float:
        """Depth of the slot in part a along the crossing line (mm)."""
        return self.mid - self.lo if self.a_opens == "lo" else self.hi - self.mid

    @property
    def depth_b(self) -> float:
        """Depth of the slot in part b along the crossing line (mm)."""
        return self.hi - self.lo - self.depth_a

    @property
    def insert_b(self) -> np.ndarray:
        """Direction in which b moves, relative to a, to slide into place."""
        d = np.asarray(self.direction)
        return d if self.a_opens == "lo" else -d

    def summary(self) -> dict[str, Any]:
        """JSON-compatible summary."""
        return {"kind": self.kind, "a": self.a, "b": self.b, "point": [round(c, 4) for c in self.point],
                "direction": [round(c, 6) for c in self.direction], "lo": round(self.lo, 4),
                "mid": round(self.mid, 4), "hi": round(self.hi, 4), "width_a": round(self.width_a, 4),
                "width_b": round(self.width_b, 4), "angle_deg": round(self.angle_deg, 3), "a_opens": self.a_opens}


@dataclass(frozen=True)
class LoadCase:
    """A load a product must carry: forces (N) at points (mm) in the product frame, plus self weight.

    Attributes:
        name: stable id (``"seated"``, ``"lean_back"``...).
        loads: ``((point, force), ...)`` with ``point`` and ``force`` 3-vectors.
        kind: ``"stability"`` (tipping) or ``"strength"`` (deflection / stress).
        standard: where the numbers come from (e.g. ``"EN 1022:2018 rearward"``).
        parts: for strength cases, the parts that carry the load.
        restraint: for stability cases, what holds the product if the loads alone would tip it (e.g. a
            wall fixing); the check then still measures the free product but reports a warning that
            names the restraint instead of an error.
        code: the finding code, when not the one named after the case (the seated figure's cases share
            ``STAB-FIG-SEATED`` / ``STAB-FIG-REAR`` whatever the figure).
    """

    name: str
    loads: tuple[tuple[tuple[float, float, float], tuple[float, float, float]], ...]
    kind: str = "stability"
    standard: str = ""
    parts: tuple[str, ...] = ()
    restraint: str = ""
    code: str = ""

    def summary(self) -> dict[str, Any]:
        """JSON-compatible summary."""
        out = {"name": self.name, "kind": self.kind, "standard": self.standard, "parts": list(self.parts),
               "loads": [{"point": list(p), "force": list(f)} for p, f in self.loads]}
        return {**out, "restraint": self.restraint} if self.restraint else out


Point3 = tuple[float, float, float]


@dataclass(frozen=True)
class Seat:
    """Where a seating product is sat on, declared by the model (``Model.seat``) and used to place the
    seated figure (:mod:`parametric.figure`) for the fit checks and the figure load cases.

    Attributes:
        front: the middle of the seat's front edge, on the seat surface (product mm).
        back: the middle of the seat's rear end on its surface: where the back meets it, or the rear
            edge of a seat without a back.
        width: the seat's width across, per place (mm).
        back_top: the top of the back on its surface, middle (None: no back). ``back -> back_top``
            is the back line the figure leans on.
        places: how many sit side by side (a bench), each ``width`` wide, centred on ``front``/``back``.
        figures: the figures the product is for (:data:`parametric.figure.FIGURES` names).
        arms: True when arms or sides close the seat in (a narrow seat then pinches the hips).
        back_low: a lower point of the back's straight upper part (None: ``back``): the back line runs
            ``back_low -> back_top``, so a rounded seat/back corner does not tilt it.
        profile: the surface the sitter touches in the seat's middle plane, front edge to back top (points;
            empty: only the points above are known): the figure slides back until it touches it.
        perched: intended figures left out because the seat is above their popliteal height with shoes
            (an edited design used as a perch); the ergonomic check says so (``ERGO-PERCH``).
    """

    front: Point3
    back: Point3
    width: float
    back_top: Point3 | None = None
    places: int = 1
    figures: tuple[str, ...] = ()
    arms: bool = False
    back_low: Point3 | None = None
    profile: tuple[Point3, ...] = ()
    perched: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """JSON-compatible summary."""
        return {"front": [round(c, 3) for c in self.front], "back": [round(c, 3) for c in self.back],
                "width": round(self.width, 3), "places": self.places, "figures": list(self.figures),
                "back_top": None if self.back_top is None else [round(c, 3) for c in self.back_top],
                "arms": self.arms, **({"back_low": [round(c, 3) for c in self.back_low]} if self.back_low else {})}


@dataclass(frozen=True)
class Worktop:
    """A top people sit at (a table), declared by the model (``Model.worktop``) for the thigh clearance
    check: a figure sits at ``edge`` facing ``inward`` on a seat of its own popliteal height.

    Attributes:
        edge: the middle of the edge a sitter sits at, on the top surface (product mm).
        inward: horizontal direction (x, y) from that edge into the top.
        figures: the figures it is for.
    """

    edge: Point3
    inward: tuple[float, float]
    figures: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """JSON-compatible summary."""
        return {"edge": [round(c, 3) for c in self.edge], "inward": [round(c, 6) for c in self.inward],
                "figures": list(self.figures)}


@dataclass(frozen=True)
class Design:
    """Everything a model built for one set of parameters.

    Attributes:
        model, model_version: which product generator made it.
        params: the validated parameters (their ``hash`` names the design).
        parts: the flat parts (one entry per physical part).
        joints: joints derived from the geometry.
        load_cases: the loads the checks apply.
        title: human-readable product name.
        removable: parts that come off the product in use (a lift-off lid).
        notes: coded findings the model made while building (what a mesh kit repaired or dropped), as
            dicts with the fields of ``checks.Finding``; the checks report them first.
        seat: where it is sat on (seating products), for the seated figure.
        worktop: the top people sit at (tables), for the thigh clearance check.
    """

    model: str
    model_version: str
    params: "Params"
    parts: tuple[FlatPart, ...]
    joints: tuple[Joint, ...] = ()
    load_cases: tuple[LoadCase, ...] = ()
    title: str = ""
    removable: tuple[str, ...] = ()
    notes: tuple[dict, ...] = field(default=(), compare=False)
    seat: Seat | None = None
    worktop: Worktop | None = None
    _index: dict[str, FlatPart] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {}
        for part in self.parts:
            if part.name in index:
                raise GeometryError(f"two parts are named {part.name!r}; part names must be unique")
            index[part.name] = part
        object.__setattr__(self, "_index", index)

    @property
    def hash(self) -> str:
        """The parameter hash (stable across runs and machines)."""
        return self.params.hash

    @property
    def slug(self) -> str:
        """``<model>-<hash>``: the stem of the download bundle."""
        return f"{self.model}-{self.hash}"

    def part(self, name: str) -> FlatPart:
        """The part named ``name``."""
        try:
            return self._index[name]
        except KeyError:
            raise KeyError(f"no part named {name!r}; parts: {', '.join(self._index)}") from None

    def __iter__(self) -> Iterator[FlatPart]:
        return iter(self.parts)

    @property
    def total_area(self) -> float:
        """Sum of the part areas times their quantities (mm^2)."""
        return sum(p.area * p.quantity for p in self.parts)

    def slot_count(self) -> int:
        """Number of slots cut (two per cross-lap)."""
        return 2 * sum(1 for j in self.joints if j.kind == "cross_lap")

    def summary(self) -> dict[str, Any]:
        """The content of ``design.json``: provenance, parameters, parts with areas, joints."""
        from . import __version__

        return {"format": DESIGN_FORMAT, "d4d_version": __version__, "model": self.model,
                "model_version": self.model_version, "title": self.title, "hash": self.hash,
                "params": self.params.to_dict(), "total_area": round(self.total_area, 3),
                "part_count": sum(p.quantity for p in self.parts), "slot_count": self.slot_count(),
                "parts": [p.summary() for p in self.parts], "joints": [j.summary() for j in self.joints],
                "removable": list(self.removable),
                "load_cases": [lc.summary() for lc in self.load_cases],
                **({"seat": self.seat.summary()} if self.seat else {}),
                **({"worktop": self.worktop.summary()} if self.worktop else {})} | (
                    {"notes": [dict(n) for n in self.notes]} if self.notes else {})
