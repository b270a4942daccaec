"""Machine profiles (lasers and CNC routers) as data: shipped YAML plus user files.

A profile gives what the cut files depend on (kerf or tool diameter, part spacing, edge margin,
bed size, the SVG colour convention) and what the time estimate needs (feeds, speeds, pierce or
plunge time). Numbers come from fabrication-reference.md section 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from parametric.errors import ProfileError
from parametric.profiles import NON_NEGATIVE, check_fields, load_profiles, pick, rule

#: SVG stroke colours by service convention (fabrication-reference.md section 3: red = cut at most
#: shops and Purdue BIDC; Ponoko: blue = cut, red = line engrave)
SVG_CONVENTIONS = {
    "red-cut": {"cut": "#FF0000", "engrave": "#0000FF", "notes": "#808080"},
    "ponoko": {"cut": "#0000FF", "engrave": "#FF0000", "notes": "#808080"},
}

#: slot clearance by machine kind when a profile gives none (fabrication-reference.md section 2,
#: slot fit): router c = 0.1-0.3 mm, 0.25 measured (cognatio notes); laser slip fit 0.1-0.2 mm
DEFAULT_CLEARANCE = {"router": 0.25, "laser": 0.1}
#: largest play at the face of a joint (mm) when a profile gives none (the FIT-PLAY limit).
#: Router 0.5: a PROJECT CHOICE, no source gives a router play limit. It adds up cited parts and one of
#: ours: the top of the router clearance range c = 0.1-0.3 mm (fabrication-reference.md section 2,
#: slot fit), the relief clearance on both walls 2 x 0.05 (section 2, c = 0.05-0.1) and 0.1 mm for the
#: bit's runout and deflection (ours, not measured). It protects against joints that rattle and let the
#: product rack: a slot cut looser than the widest recommended clearance plus the machine's own error
#: is reported as an error. Laser 0.3: 0.5 mm "was far too loose" and 0.12-0.15 worked (section 2, slot
#: fit), so 0.3 (ours, between the two) flags the loose end before it is reached.
DEFAULT_FIT_PLAY = {"router": 0.5, "laser": 0.3}
#: travel and overhead defaults by kind when a profile gives none, all working assumptions (ours;
#: the reference's time model is "sum L*ceil(T/doc)/F + plunges + rapids", section 2):
#: ``rapid`` travel speed between contours (mm/s: hobby router 6 m/min, CO2 gantry 500 mm/s),
#: ``lead_in`` cut per contour and pass before the contour proper (mm), ``engrave_speed`` for label
#: strokes (mm/s; None: a router engraves at its feed), ``tool_change`` seconds per bit used (router)
DEFAULT_MOTION = {"router": {"rapid": 100.0, "lead_in": 3.0, "engrave_speed": None, "tool_change": 60.0},
                  "laser": {"rapid": 500.0, "lead_in": 1.0, "engrave_speed": 100.0, "tool_change": 0.0}}

#: the numeric fields of a profile entry, checked before parsing (:func:`parametric.profiles.check_fields`)
_NUMBERS = {"bed": ("pair", rule("mm")), "kerf": ("number", rule("mm", NON_NEGATIVE)),
            "tool_diameter": ("number", rule("mm", NON_NEGATIVE)), "spacing": ("number", rule("mm", NON_NEGATIVE)),
            "margin": ("number", rule("mm", NON_NEGATIVE)), "pierce_time": ("number", rule("s", NON_NEGATIVE)),
            "feed": ("number", rule("mm/min")), "depth_per_pass": ("number", rule("mm")),
            "speed": ("map+", rule("mm/s at a thickness in mm")), "max_thickness": ("number", rule("mm")),
            "clearance": ("number", rule("mm", NON_NEGATIVE)), "material_clearance": ("map_values", rule("mm", NON_NEGATIVE)),
            "fit_play": ("number", rule("mm"))}

_REQUIRED = {"laser": ("kind", "bed", "kerf", "spacing", "margin", "speed", "pierce_time"),
             "router": ("kind", "bed", "tool_diameter", "spacing", "margin", "feed", "depth_per_pass", "pierce_time")}


@dataclass(frozen=True)
class Machine:
    """A cutting machine.

    Attributes:
        kind: ``"laser"`` or ``"router"``.
        bed: usable bed size (mm).
        kerf: laser kerf width (mm); 0 for routers (CAM applies the tool offset).
        tool_diameter: router bit diameter (mm); for lasers the kerf.
        spacing: gap between parts (mm); margin: gap to the sheet edge (mm).
        feed: router feed (mm/min); depth_per_pass: router depth of cut (mm).
        speed: laser cutting speed (mm/s) by thickness (mm); interpolated.
        pierce_time: seconds per pierce (laser) or plunge (router).
        svg_colours: the SVG colour convention's name (:data:`SVG_CONVENTIONS`).
        colours: SVG stroke colours for ``cut``, ``engrave`` and ``notes``.
        clearance: default slot clearance on this machine (mm; :data:`DEFAULT_CLEARANCE` by kind);
            see :func:`default_clearance`.
        material_clearance: per-material overrides of ``clearance`` (material name -> mm).
        fit_play: the largest play at a joint's face the fit check accepts (mm,
            :data:`DEFAULT_FIT_PLAY` by kind; ``FIT-PLAY`` in :mod:`fabrication.fit`).
        rapid, lead_in, engrave_speed, tool_change: travel speed (mm/s), lead-in per contour and
            pass (mm), label engraving speed (mm/s) and seconds per bit used
            (:data:`DEFAULT_MOTION` by kind; the time estimate in :mod:`fabrication.bom`).
    """

    name: str
    title: str
    kind: str
    bed: tuple[float, float]
    spacing: float
    margin: float
    pierce_time: float
    kerf: float = 0.0
    tool_diameter: float = 0.0
    feed: float = 0.0
    depth_per_pass: float = 0.0
    speed: tuple[tuple[float, float], ...] = ()
    max_thickness: float = 40.0
    svg_colours: str = "red-cut"
    colours: dict[str, str] = field(default_factory=lambda: dict(SVG_CONVENTIONS["red-cut"]))
    clearance: float | None = None
    material_clearance: dict[str, float] = field(default_factory=dict)
    fit_play: float | None = None
    rapid: float | None = None
    lead_in: float | None = None
    engrave_speed: float | None = None
    tool_change: float | None = None

    def __post_init__(self) -> None:
        for key, value in DEFAULT_MOTION.get(self.kind, DEFAULT_MOTION["laser"]).items():
            if getattr(self, key) is None:
                object.__setattr__(self, key, self.feed / 60.0 if key == "engrave_speed" and value is None else value)
        if self.clearance is None:
            object.__setattr__(self, "clearance", DEFAULT_CLEARANCE.get(self.kind, 0.1))
        if self.fit_play is None:
            object.__setattr__(self, "fit_play", DEFAULT_FIT_PLAY.get(self.kind, 0.5))

    @property
    def is_router(self) -> bool:
        """True for CNC routers (dogbones, no kerf compensation)."""
        return self.kind == "router"

    @property
    def min_feature_tool(self) -> float:
        """The width the minimum-feature checks hold parts against (bit diameter or kerf)."""
        return self.tool_diameter if self.is_router else self.kerf

    def laser_speed(self, thickness: float) -> float:
        """Cutting speed (mm/s) at a thickness, interpolated (and extrapolated as 1/t beyond)."""
        ts = [t for t, _ in self.speed]
        vs = [v for _, v in self.speed]
        if thickness > ts[-1]:
            return vs[-1] * ts[-1] / thickness
        import numpy as np

        return float(np.interp(thickness, ts, vs))

    def cut_seconds(self, length: float, pierces: int, thickness: float) -> float:
        """Estimated cutting time: router sum L*ceil(T/doc)/F + plunges; laser L/v + pierces."""
        if self.is_router:
            passes = math.ceil(thickness / self.depth_per_pass)
            return length * passes / (self.feed / 60.0) + pierces * passes * self.pierce_time
        return length / self.laser_speed(thickness) + pierces * self.pierce_time

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return {"name": self.name, "title": self.title, "kind": self.kind, "bed": list(self.bed),
                "kerf": self.kerf, "tool_diameter": self.tool_diameter, "spacing": self.spacing,
                "margin": self.margin, "max_thickness": self.max_thickness, "feed": self.feed,
                "depth_per_pass": self.depth_per_pass, "speed": {f"{t:g}": v for t, v in self.speed},
                "pierce_time": self.pierce_time, "svg_colours": self.svg_colours, "colours": dict(self.colours),
                "clearance": self.clearance, "material_clearance": dict(self.material_clearance),
                "fit_play": self.fit_play, "rapid": self.rapid, "lead_in": self.lead_in,
                "engrave_speed": self.engrave_speed, "tool_change": self.tool_change}


def _parse(name: str, data: Any, source: str) -> Machine:
    if not isinstance(data, dict):
        raise ProfileError(f"machine {name!r} in {source}: expected a mapping of fields")
    kind = data.get("kind")
    if kind not in _REQUIRED:
        raise ProfileError(f"machine {name!r} in {source}: 'kind' must be laser or router, got {kind!r}")
    missing = [f for f in _REQUIRED[kind] if f not in data]
    if missing:
        raise ProfileError(f"machine {name!r} in {source} is missing {', '.join(missing)}; a {kind} needs "
                           f"{', '.join(_REQUIRED[kind])}")
    # a router cuts with its bit, so its diameter (like its feed and depth of cut) must be positive
    check_fields(data, _NUMBERS if kind == "laser" else {**_NUMBERS, "tool_diameter": ("number", rule("mm"))},
                 "machine", name, source)
    convention = data.get("svg_colours", "red-cut")
    if convention not in SVG_CONVENTIONS:
        raise ProfileError(f"machine {name!r} in {source}: svg_colours must be one of "
                           f"{', '.join(SVG_CONVENTIONS)}, got {convention!r}")
    try:
        speed = tuple(sorted((float(k), float(v)) for k, v in (data.get("speed") or {}).items()))
        machine = Machine(name=name, title=str(data.get("title", name)), kind=kind,
                         bed=(float(data["bed"][0]), float(data["bed"][1])), spacing=float(data["spacing"]),
                         margin=float(data["margin"]), pierce_time=float(data["pierce_time"]),
                         kerf=float(data.get("kerf", 0.0)),
                         tool_diameter=float(data.get("tool_diameter", data.get("kerf", 0.0))),
                         feed=float(data.get("feed", 0.0)), depth_per_pass=float(data.get("depth_per_pass", 0.0)),
                         speed=speed, max_thickness=float(data.get("max_thickness", 40.0)),
                         svg_colours=convention,
                         colours={**SVG_CONVENTIONS[convention], **(data.get("colours") or {})},
                         clearance=float(data.get("clearance", DEFAULT_CLEARANCE[kind])),
                         material_clearance={str(k): float(v)
                                             for k, v in (data.get("material_clearance") or {}).items()},
                         fit_play=float(data.get("fit_play", DEFAULT_FIT_PLAY[kind])),
                         **{k: float(data[k]) for k in DEFAULT_MOTION[kind] if data.get(k) is not None})
    except (TypeError, ValueError, IndexError, AttributeError) as exc:
        raise ProfileError(f"machine {name!r} in {source}: {exc}") from None
    _check_gaps(machine, source)
    _check_fit(machine, source)
    for key in DEFAULT_MOTION[kind]:  # the time estimate divides by the speeds
        value = getattr(machine, key)
        if value < 0 or (value == 0 and key in ("rapid", "engrave_speed")):
            raise ProfileError(f"machine {name!r} in {source}: {key} {value:g} must be "
                               f"{'above' if key in ('rapid', 'engrave_speed') else 'at least'} 0")
    return machine


def _check_fit(m: Machine, source: str) -> None:
    """Refuse a negative clearance and a play limit that no joint could meet (below the clearance)."""
    for what, value in (("clearance", m.clearance), *((f"material_clearance.{k}", v)
                                                       for k, v in m.material_clearance.items())):
        if not 0.0 <= value <= 2.0:
            raise ProfileError(f"machine {m.name!r} in {source}: {what} {value:g} mm is outside 0-2 mm; slot clearance "
                               "is 0.1-0.3 mm on a router, 0-0.2 mm on a laser (fabrication-reference.md section 2)")
    worst = max([m.clearance, *m.material_clearance.values()])
    if m.fit_play < worst:
        raise ProfileError(f"machine {m.name!r} in {source}: fit_play {m.fit_play:g} mm is below the clearance "
                           f"({worst:g} mm), so every joint would fail the fit check; use at least {worst:g} mm")


def default_clearance(machine: Machine, material=None) -> float:
    """The slot clearance (mm) to build with on ``machine`` in ``material`` when the user sets none.

    The machine profile's ``material_clearance`` entry for the material wins, then its
    ``clearance`` (by default 0.25 mm on a router, 0.1 mm on a laser: fabrication-reference.md
    section 2, slot fit). The model's own ``clearance`` default is a machine-less fallback; a
    ``--set clearance=...`` from the user always wins over this.

    Args:
        machine: the machine profile.
        material: a :class:`parametric.materials.Material`, a material name, or None.
    """
    name = material if isinstance(material, str) or material is None else getattr(material, "name", None)
    return float(machine.material_clearance.get(name, machine.clearance)) if name else float(machine.clearance)


def _check_gaps(m: Machine, source: str) -> None:
    """Refuse part gaps a tool cannot pass through, and margins the nesting cannot keep.

    The bit (or beam) cuts both neighbours' outlines inside the gap, so the gap must be at least
    the tool's width (reference section 2: Ø + 2-5 mm on a router); the edge margin must be at
    least half the gap, since every part keeps half the gap around it.
    """
    tool = m.tool_diameter if m.is_router else m.kerf
    if m.spacing < tool:
        raise ProfileError(f"machine {m.name!r} in {source}: spacing {m.spacing:g} mm is narrower than the "
                           f"{'bit' if m.is_router else 'kerf'} ({tool:g} mm), so neighbouring cuts would eat into "
                           f"each other; use at least {tool + (2 if m.is_router else 0):g} mm")
    if m.margin < m.spacing / 2:
        raise ProfileError(f"machine {m.name!r} in {source}: the edge margin ({m.margin:g} mm) must be at least half "
                           f"the spacing ({m.spacing:g} mm)")


def machines_from_mapping(data: Any, source: str) -> dict[str, Machine]:
    """Parse a mapping of machine names to fields (a user file's content); ``source`` names the file
    in errors.

    Raises:
        ProfileError: not a mapping, or an entry with a missing or malformed field.
    """
    if not isinstance(data, dict):
        raise ProfileError(f"machines in {source}: expected a mapping of machine names to fields")
    return {str(k): _parse(str(k), v, source) for k, v in data.items()}


@lru_cache(maxsize=8)
def load_machines(extra: str | None = None) -> dict[str, Machine]:
    """Shipped machine profiles, updated by a user YAML file ``extra`` with the same layout."""
    return load_profiles("fabrication", "data/machines.yaml", _parse, "machine", extra)


def get_machine(name: str, extra: str | None = None) -> Machine:
    """The machine profile ``name``; ProfileError listing the known ones otherwise."""
    return pick(load_machines(extra), name, "machine")
