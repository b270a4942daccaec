"""The ``Model`` base class: a product generator that reads like its description.

A model declares parameter specs as class attributes, presets and constraints, and a
``build(p)`` method that creates plates and says which plates interlock. Joints, solids,
meshes, checks, cut files and the viewer's panel all come from the framework::

    class Stool(Model):
        \"\"\"Four-legged stool.\"\"\"
        name = "stool"
        height = Length(450, min=250, max=750, step=5)
        thickness = MeasuredThickness()
        clearance = Clearance()

        def build(self, p):
            a = self.plate("frame-a", frame_outline(p), Frame.xz())
            b = self.plate("frame-b", frame_outline(p), Frame.yz())
            self.cross_lap(a, b)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import shapely
from shapely.ops import unary_union

from .design import Design, Joint, LoadCase, Seat, Worktop
from .edge_joints import finger_joint, glue_joint, tab_joint
from .errors import JoineryError
from .joinery import CrossLap, cross_laps, cut_slots, touching_pairs
from .params import Constraint, Length, Params, ParamSchema, Spec
from .part import FlatPart, Frame
from .tolerances import simplified


def MeasuredThickness(default: float = 17.7, *, min: float = 3.0, max: float = 30.0) -> Length:
    """The thickness of the sheet the maker actually has, measured (every model takes one).

    The default is the mean measured thickness of nominal 18 mm birch plywood
    (fabrication-reference.md section 1: 18 -> 17.7 mm).
    """
    return Length(default, min=min, max=max, step=0.05, group="Material",
                  help="Measured thickness of your sheet (calipers, several spots); slots are cut to fit it")


def Clearance(default: float = 0.2) -> Length:
    """Extra width added to every slot beyond the measured thickness (slip fit)."""
    return Length(default, min=0.0, max=1.5, step=0.05, group="Material",
                  help="Extra slot width for a slip fit: 0.1-0.3 mm on a router, 0-0.2 on a laser")


class Model:
    """Base class of every product generator.

    Class attributes:
        name: the id used on the CLI (``d4d build slice_chair``).
        version: bumped when the geometry for the same parameters changes.
        title: a human name; the class docstring's first line is the description.
        presets: named parameter overrides ("recommended combinations").
        constraints: cross-parameter rules (:func:`parametric.params.require`).
        schema: built automatically from the specs, constraints and presets.
    """

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1.0"
    title: ClassVar[str] = ""
    presets: ClassVar[Mapping[str, Mapping[str, Any]]] = {}
    constraints: ClassVar[Sequence[Constraint]] = ()
    schema: ClassVar[ParamSchema]
    #: the figures each preset is for (preset -> names of :data:`parametric.figure.FIGURES`); other
    #: parameters are for the figures of the nearest preset (else ``default_figures``), for a seat those
    #: whose feet reach the floor from it: editing the seat height chooses the sitters
    figures: ClassVar[Mapping[str, Sequence[str]]] = {}
    default_figures: ClassVar[Sequence[str]] = ("woman-p5", "woman-p50", "man-p50", "man-p95")
    #: why a preset is for nobody (preset -> a sentence, e.g. feet on a bar's rail): every seating preset
    #: whose ``figures`` entry is empty must say why (tests/checks/test_figure.py; docs/catalogue.md shows it)
    figure_notes: ClassVar[Mapping[str, str]] = {}
    #: how many people a seating product seats at most (its seated and strength loads scale with it)
    users: ClassVar[int] = 1

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        specs: dict[str, Spec] = {}
        for klass in reversed(cls.__mro__):
            specs.update({k: v for k, v in vars(klass).items() if isinstance(v, Spec)})
        cls.schema = ParamSchema(cls.name, specs.values(), cls.constraints, cls.presets, owner=cls)

    @classmethod
    def description(cls) -> str:
        """First line of the class docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""

    @classmethod
    def params(cls, values: Mapping[str, Any] | None = None, *, preset: str | None = None,
               **kw: Any) -> Params:
        """Validated parameters: defaults, then a preset, then ``values`` and keywords."""
        return cls.schema.make({**(values or {}), **kw}, preset=preset)

    @classmethod
    def design(cls, params: Params | Mapping[str, Any] | None = None, *, preset: str | None = None,
               cut: bool = True) -> Design:
        """Build the design for these parameters (validated first).

        With ``cut=False`` the joints are derived but no slot is cut: the plates as drawn, for
        checks and tests that compare slotted and unslotted parts.
        """
        if not isinstance(params, Params):
            params = cls.params(params, preset=preset)
        builder = cls()
        builder._parts: dict[str, FlatPart] = {}
        builder._pairs: list[tuple[str, str, float]] = []
        builder._tabs: list[tuple[str, str]] = []
        builder._fingers: list[tuple[str, str, float]] = []
        builder._glued: list[tuple[str, str]] = []
        builder._removable: list[str] = []
        builder._loads: list[LoadCase] = []
        builder._laps: list[CrossLap] = []
        builder._notes: list[dict] = []
        builder._seat: Seat | None = None
        builder._worktop: Worktop | None = None
        builder._simplified: tuple[Any, Any] = (None, None)  # the last outline given to plate(), simplified
        builder.build(params)
        parts, joints = builder._derive_joints(params, cut)
        return Design(cls.name, cls.version, params, tuple(parts), tuple(joints), tuple(builder._loads),
                      cls.title or cls.name.replace("_", " ").title(), removable=tuple(builder._removable),
                      notes=tuple(builder._notes), seat=builder._seat,
                      worktop=builder._worktop)

    @classmethod
    def _preset_of(cls, params: Params) -> str | None:
        """The preset whose parameters these exactly are, if any."""
        hashes = cls.__dict__.get("_preset_hashes")
        if hashes is None:
            hashes = {cls.params(preset=name).hash: name for name in cls.schema.presets}
            cls._preset_hashes = hashes
        return hashes.get(params.hash)

    @classmethod
    def _is_preset(cls, params: Params) -> bool:
        return cls._preset_of(params) is not None

    @classmethod
    def intended_figures(cls, params: Params) -> tuple[str, ...]:
        """The figures a design of these parameters is for: its preset's entry in ``figures`` when the
        parameters are exactly a preset's; for other parameters, the entry of the nearest preset (an
        edited coffee table stays a coffee table, an edited kids' chair a kids' chair), else
        ``default_figures``. (``seat_surface`` then keeps, for edited parameters, those whose feet reach
        the floor from the seat.)"""
        preset = cls._preset_of(params) or cls._nearest_preset(params)
        return tuple(cls.figures.get(preset, cls.default_figures) if preset else cls.default_figures)

    @classmethod
    def _nearest_preset(cls, params: Params) -> str | None:
        """The preset these parameters differ least from: the fewest differing values, then the smallest
        sum of relative differences of the numeric ones (None when the model has no presets)."""
        presets = cls.__dict__.get("_preset_params")
        if presets is None:
            presets = {name: cls.params(preset=name) for name in cls.schema.presets}
            cls._preset_params = presets

        def number(v: Any) -> bool:
            return isinstance(v, (int, float)) and not isinstance(v, bool)

        def distance(ref: Params) -> tuple[int, float]:
            differ = [k for k in params if params[k] != ref[k]]
            rel = sum(abs(params[k] - ref[k]) / max(abs(ref[k]), 1e-9) for k in differ
                      if number(params[k]) and number(ref[k]))
            return len(differ), rel

        return min(presets, key=lambda name: distance(presets[name])) if presets else None

    # -- what build() uses ---------------------------------------------------------------
    def sitters(self, p: Params) -> int:
        """How many people the seating loads of these parameters are for: ``users`` (a model that seats
        more as it grows, like the slice bench, derives it from its size)."""
        return self.users

    def build(self, p: Params) -> None:
        """Create the product's plates and joints for parameters ``p`` (override this)."""
        raise NotImplementedError

    def plate(self, name: str, outline: Any, frame: Frame, *, thickness: float, role: str = "part",
              label: str = "", material: str = "birch-ply", grain: str | None = None) -> FlatPart:
        """Add a flat part (outline in part-local mm, placed by ``frame``) and return it.

        Curved outlines are simplified to ``TOL.simplify`` (0.02 mm chord), far below any kerf.
        """
        if hasattr(outline, "simplify"):
            if outline is not self._simplified[0]:  # parallel ribs (and slats) share one outline object
                self._simplified = (outline, simplified(outline))
            outline = self._simplified[1]
        part = FlatPart(name, outline, thickness, frame, material=material, role=role, label=label or name,
                        grain=grain)
        if name in self._parts:
            raise JoineryError(f"two plates are named {name!r}")
        self._parts[name] = part
        return part

    def cross_lap(self, a: FlatPart, b: FlatPart, *, share_a: float = 0.5) -> None:
        """Interlock two crossing plates with derived cross-lap slots (``share_a`` of the depth in a)."""
        self._pairs.append((a.name, b.name, share_a))

    def add_laps(self, laps: Iterable[CrossLap]) -> None:
        """Add cross-laps already derived (``joinery.cross_lap``) between plates of this build."""
        self._laps.extend(laps)

    def note(self, code: str, severity: str, message: str, **fields: Any) -> None:
        """Report something the build decided (a repair, a dropped piece) as a coded finding
        (``severity`` "pass", "warning" or "error"; ``part``, ``fix``, ``measured``... as keywords)."""
        self._notes.append({"code": code, "severity": severity, "message": message, **fields})

    def tabs(self, a: FlatPart, b: FlatPart) -> None:
        """Fix plate ``b`` onto the edge of plate ``a`` with tabs through slots (derived from where they meet)."""
        self._tabs.append((a.name, b.name))

    def fingers(self, a: FlatPart, b: FlatPart, *, width: float) -> None:
        """Finger-joint two perpendicular plates along the edge where their corners overlap (a keeps the ends)."""
        self._fingers.append((a.name, b.name, width))

    def glue(self, a: FlatPart, b: FlatPart) -> None:
        """Glue two parallel plates that lie face to face (derived: refused unless they touch)."""
        self._glued.append((a.name, b.name))

    def lift_off(self, *parts: FlatPart) -> None:
        """Mark parts that come off the product in use (a lid): the assembly check lets them form a
        group of their own."""
        self._removable.extend(p.name for p in parts)

    def interlock(self, group_a: Iterable[FlatPart], group_b: Iterable[FlatPart], *,
                  share_a: float = 0.5) -> None:
        """Cross-lap every plate of ``group_a`` with every plate of ``group_b`` that it crosses."""
        for a, b in touching_pairs(group_a, group_b):
            self.cross_lap(a, b, share_a=share_a)

    def load(self, name: str, loads: Iterable[tuple[Sequence[float], Sequence[float]]], *,
             kind: str = "stability", standard: str = "", parts: Iterable[str] = (), restraint: str = "") -> None:
        """Declare a load case: ``(point, force)`` pairs in product mm and N; ``restraint`` names what
        holds the product if the case alone would tip it (a wall fixing)."""
        self._loads.append(LoadCase(name, tuple((tuple(map(float, pt)), tuple(map(float, f)))
                                                for pt, f in loads), kind, standard, tuple(parts), restraint))

    def seat_surface(self, p: Params, *, front: Sequence[float], back: Sequence[float], width: float,
             back_top: Sequence[float] | None = None, back_low: Sequence[float] | None = None, places: int = 1,
             arms: bool = False, profile: Iterable[Sequence[float]] = ()) -> None:
        """Declare the seat the figure sits on (product mm): the middle of its front edge and of its rear
        end on the surface, its width per place, the top of the back (None: no back) and a lower point of
        the back's straight upper part (``back_low``, default: ``back``), and the seating surface's
        profile in its middle plane (``profile``, front edge to back top, if the model has one); the fit checks
        and the figure's load cases come from it (see :class:`parametric.design.Seat`)."""
        pt = lambda v: tuple(float(c) for c in v)
        figures = self.intended_figures(p)
        if not self._is_preset(p):  # edited: the seat height chooses who sits with their feet on the floor
            figures, perched = self._seated_by_height(figures, float(front[2]))
        else:
            perched = ()
        self._seat = Seat(pt(front), pt(back), float(width), None if back_top is None else pt(back_top),
                          int(places), figures, arms, None if back_low is None else pt(back_low),
                          tuple(pt(q) for q in profile), perched)

    def _seated_by_height(self, figures: Sequence[str], height: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Who an edited seat ``height`` mm high is for, and which of ``figures`` it leaves perched (their
        feet off the floor). Of every figure the model's presets name (a chair with a kids' preset: the
        children too), those the height suits: their feet reach the floor (popliteal height plus shoes
        at least the height) and their knees stay below their hips (at most
        :data:`parametric.checks.ergonomics.LOW_MM` lower); when none, ``figures`` whose feet reach."""
        from .checks.ergonomics import LOW_MM
        from .figure import SHOE_MM, get_body

        def sole(f: str) -> float:
            return get_body(f).popliteal + SHOE_MM

        pool = dict.fromkeys([*figures, *(f for names in self.figures.values() for f in names)])
        suits = tuple(f for f in pool if sole(f) - LOW_MM <= height <= sole(f))
        reach = tuple(f for f in figures if sole(f) >= height)
        return (suits or reach), tuple(f for f in figures if sole(f) < height)

    def worktop(self, p: Params, *, edge: Sequence[float], inward: Sequence[float]) -> None:
        """Declare a top people sit at: the middle of the edge they sit at (on the top surface) and the
        horizontal direction into the top (for the thigh clearance check)."""
        v = [float(inward[0]), float(inward[1])]
        norm = (v[0] ** 2 + v[1] ** 2) ** 0.5
        self._worktop = Worktop(tuple(float(c) for c in edge), (v[0] / norm, v[1] / norm), self.intended_figures(p))

    def _derive_joints(self, p: Params, cut: bool = True) -> tuple[list[FlatPart], list[Joint]]:
        clearance = float(p["clearance"]) if "clearance" in p else 0.0
        slots: dict[str, list] = {name: [] for name in self._parts}
        joints: list[Joint] = []
        laps = [(lap.joint.a, lap.joint.b, lap) for lap in self._laps]
        crossed = cross_laps([(self._parts[a], self._parts[b]) for a, b, _ in self._pairs], clearance=clearance,
                             share_a=[share for *_, share in self._pairs])
        for (a_name, b_name, _), found in zip(self._pairs, crossed):
            if isinstance(found, JoineryError):
                raise found
            laps += [(a_name, b_name, lap) for lap in found]
        for a_name, b_name, lap in laps:
            joints.append(lap.joint)
            slots[a_name].append((b_name, lap.slot_a))
            slots[b_name].append((a_name, lap.slot_b))
        for a_name, b_name, width in self._fingers:
            fj = finger_joint(self._parts[a_name], self._parts[b_name], clearance=clearance, finger=width)
            if fj is None:
                raise JoineryError(f"{a_name} and {b_name} do not share a corner edge, so no fingers can join them")
            joints.append(fj.joint)
            slots[a_name].extend((b_name, n) for n in fj.notches_a)
            slots[b_name].extend((a_name, n) for n in fj.notches_b)
        for a_name, b_name in self._glued:
            gj = glue_joint(self._parts[a_name], self._parts[b_name])
            if gj is None:
                raise JoineryError(f"{a_name} and {b_name} do not lie face to face, so they cannot be glued")
            joints.append(gj)
        grow: dict[str, list] = {name: [] for name in self._parts}
        holes: dict[str, list] = {name: [] for name in self._parts}
        for a_name, b_name in self._tabs:
            tj = tab_joint(self._parts[a_name], self._parts[b_name], clearance=clearance,
                           avoid=[slot for _, slot in slots[a_name]])
            if tj is None:
                raise JoineryError(f"{a_name} does not stand square on a face of {b_name}, so no tabs can join them")
            joints.append(tj.joint)
            grow[a_name].extend(tj.tabs_a)
            holes[b_name].extend((a_name, h) for h in tj.holes_b)
        if not cut:
            return list(self._parts.values()), joints
        parts = []
        done: dict[tuple, FlatPart] = {}  # equal plates with equal slots (a chair's ribs) are cut once
        for name, part in self._parts.items():
            if grow[name]:
                part = part.with_outline(unary_union([part.outline, *grow[name]]))
            shapes = [part.outline, *(s for _, s in slots[name]), *(h for _, h in holes[name])]
            key = (*shapely.to_wkb(shapes).tolist(), len(slots[name]))  # the WKBs in one call
            first = done.get(key)
            parts.append(part.with_outline(first.outline) if first else
                         done.setdefault(key, cut_slots(part, slots[name], holes[name])))
        return parts, joints
