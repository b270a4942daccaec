"""The seated human figure: body dimensions of named figures, an articulated body posed on a seat.

Sources (fabrication-reference.md section 4):

- adults: ANSUR II (US Army anthropometric survey 2012, public data; percentiles computed from the
  public CSV files): popliteal height, buttock-popliteal and buttock-knee length, hip breadth
  sitting, sitting height, knee height sitting, thigh clearance, stature, body mass. ANSUR II is
  measured barefoot: :data:`SHOE_MM` is added to heights from the floor.
- children: EN 1729-1 size marks 1-4, as commonly published (not verified against the standard):
  the middle of each mark's stature range. Their dimensions are the median adult's (the mean of the
  p50 woman and man) scaled by stature, and their mass is ``CHILD_BMI x stature^2``: both ours, a
  proportional approximation (children's legs are relatively shorter than an adult's).
- segment lengths the survey does not give, as fractions of stature H: Drillis & Contini (1966), as
  tabulated in Winter, *Biomechanics and Motor Control of Human Movement* (4th ed. 2009), fig. 3.1:
  trunk (hip to shoulder) 0.288H, upper arm 0.186H, forearm 0.146H, hand 0.108H, foot 0.152H,
  ankle height 0.039H, shoulder breadth 0.259H.
- segment masses (fractions of body mass) and centres of mass (fraction of the segment's length
  from its proximal end): Dempster via Winter (2009) table 4.1: thigh 0.100 / 0.433, leg 0.0465 /
  0.433, foot 0.0145 / 0.50, upper arm 0.028 / 0.436, forearm 0.016 / 0.430, hand 0.006 / 0.506,
  trunk 0.497 / 0.50 (hip to shoulder), head and neck 0.081 at the ear canal.

The posture (ours): thighs lie on the seat's surface line (front edge to rear end), the figure slides
back until its thighs or trunk touch the seating profile the model declared (else until the pelvis
clears the back line by the trunk's half depth), the knees bend so the feet stand on the floor
when the legs reach it (else they hang; the shanks lean forward at least ``SHANK_DEG``), upper arms hang along the trunk with the
forearms forward. ``upright`` holds the trunk vertical; ``lean_back`` lays the trunk, head and arms
along the back line. Bodies are capsules per segment (radii ours: thigh = half the thigh
clearance, trunk = the knee's depth (buttock-knee minus buttock-popliteal), limbs from stature).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .design import Seat
from .errors import ParameterError

#: shoe allowance added to ANSUR II's barefoot heights (fabrication-reference.md: about 25 mm)
SHOE_MM = 25.0
#: children's body mass index (kg/m^2) for their mass from stature: ours, a typical value for ages 6-12
CHILD_BMI = 17.0
#: the shanks lean forward at least this much from vertical (degrees), feet ahead of the knees: ours
SHANK_DEG = 15.0
#: gravity (m/s^2)
G = 9.81
#: soft tissue the figure may press into a hard surface (mm): ours, used by the collision check
SOFT_MM = 10.0

_ANSUR_KEYS = ("popliteal", "buttock_popliteal", "buttock_knee", "hip_breadth", "sitting_height",
               "knee_height", "thigh_clearance", "stature", "mass")
#: ANSUR II percentiles (mm, kg): fabrication-reference.md section 4 (columns poplitealheight,
#: buttockpopliteallength, buttockkneelength, hipbreadthsitting, sittingheight, kneeheightsitting,
#: thighclearance, stature, weightkg / 10)
ANSUR = {
    "woman-p5": (350, 441, 541, 348, 803, 469, 145, 1525, 51),
    "woman-p50": (387, 483, 589, 397, 857, 510, 167, 1626, 67),
    "man-p50": (430, 502, 617, 378, 918, 553, 180, 1755, 85),
    "man-p95": (471, 548, 669, 431, 977, 602, 207, 1870, 111),
}
#: EN 1729-1 size marks 1-4 (as commonly published): stature ranges (mm) and the seat heights they get
EN1729 = {1: ((930, 1160), 260), 2: ((1080, 1210), 310), 3: ((1190, 1420), 350), 4: ((1330, 1590), 380)}
#: the adult range a seating product is for unless it says otherwise
ADULTS = ("woman-p5", "woman-p50", "man-p50", "man-p95")

#: Dempster via Winter (2009) table 4.1: (mass fraction, centre of mass from the proximal end)
SEGMENT_MASS = {"thigh": (0.100, 0.433), "shank": (0.0465, 0.433), "foot": (0.0145, 0.50),
                "upper_arm": (0.028, 0.436), "forearm": (0.016, 0.430), "hand": (0.006, 0.506),
                "trunk": (0.497, 0.50), "head": (0.081, None)}
#: Drillis & Contini via Winter (2009) fig. 3.1: lengths as fractions of stature
STATURE_FRACTION = {"trunk": 0.288, "upper_arm": 0.186, "forearm": 0.146, "hand": 0.108, "foot": 0.152,
                    "ankle": 0.039, "shoulders": 0.259}


@dataclass(frozen=True)
class Body:
    """The dimensions of one named figure (mm, kg), barefoot."""

    name: str
    popliteal: float
    buttock_popliteal: float
    buttock_knee: float
    hip_breadth: float
    sitting_height: float
    knee_height: float
    thigh_clearance: float
    stature: float
    mass: float
    source: str = ""

    def length(self, segment: str) -> float:
        """A segment length from stature (Drillis & Contini), mm."""
        return STATURE_FRACTION[segment] * self.stature

    @property
    def knee_depth(self) -> float:
        """Front to back of the knee (buttock-knee minus buttock-popliteal length), mm."""
        return self.buttock_knee - self.buttock_popliteal


def _child(mark: int) -> Body:
    (lo, hi), _ = EN1729[mark]
    stature = (lo + hi) / 2
    mean = [(a + b) / 2 for a, b in zip(ANSUR["woman-p50"], ANSUR["man-p50"])]
    k = stature / mean[_ANSUR_KEYS.index("stature")]
    dims = {key: v * k for key, v in zip(_ANSUR_KEYS, mean)}
    dims.update(stature=stature, mass=CHILD_BMI * (stature / 1000) ** 2)
    return Body(f"child-{mark}", **dims, source=f"EN 1729-1 size mark {mark} (stature {lo}-{hi} mm), "
                "median adult proportions scaled by stature")


#: every named figure
FIGURES: dict[str, Body] = {
    **{name: Body(name, *map(float, dims), source="ANSUR II " + name.replace("-", " "))
       for name, dims in ANSUR.items()},
    **{f"child-{m}": _child(m) for m in EN1729},
}


def get_body(name: str) -> Body:
    """The named figure's body, or a ParameterError listing the names."""
    try:
        return FIGURES[name]
    except KeyError:
        raise ParameterError(f"unknown figure {name!r}; use one of {', '.join(FIGURES)}", ("figure",)) from None


@dataclass(frozen=True)
class Segment:
    """One body segment: a capsule from ``p0`` to ``p1`` (product mm) of ``radius``, with its mass (kg)
    at ``com``."""

    name: str
    p0: np.ndarray
    p1: np.ndarray
    radius: float
    mass: float
    com: np.ndarray


@dataclass(frozen=True)
class Pose:
    """A figure placed on a seat: its segments, and the facts the fit checks read.

    Attributes:
        body: the figure.
        posture: ``"upright"`` or ``"lean_back"``.
        segments: every segment, placed.
        feet_on_floor: True when the feet reach the floor (then the floor carries the feet and shanks).
        sitting_depth: the seat's depth as the figure uses it: from the back of its buttocks to the front
            edge (mm, along the seat); the edge is clear of the knee while it is below the buttock-popliteal
            length (:attr:`popliteal_clearance`).
        back_contact: where the trunk leans on the back, :data:`parametric.loads.REAR_B_MM` above the
            seat or the back's top if lower (None without a back).
    """

    body: Body
    posture: str
    segments: tuple[Segment, ...]
    feet_on_floor: bool
    sitting_depth: float
    back_contact: np.ndarray | None = None
    hip: np.ndarray = field(default_factory=lambda: np.zeros(3))

    @property
    def popliteal_clearance(self) -> float:
        """How far the seat's front edge stops short of the back of the knee (mm; negative: it presses)."""
        return self.body.buttock_popliteal - self.sitting_depth

    @property
    def mass(self) -> float:
        """Body mass (kg)."""
        return sum(s.mass for s in self.segments)

    @property
    def com(self) -> np.ndarray:
        """Centre of mass of the whole figure (product mm)."""
        return sum(s.mass * s.com for s in self.segments) / self.mass

    def loads_on(self) -> list[Segment]:
        """The segments the product carries: all but the feet and shanks when those stand on the floor."""
        floor = ("foot", "shank") if self.feet_on_floor else ()
        return [s for s in self.segments if s.name.split("-")[0] not in floor]


def _unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


def _cross2(a, b) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def seat_frame(seat: Seat) -> tuple[np.ndarray, np.ndarray]:
    """The seat's horizontal forward and lateral unit vectors (product frame, 3D)."""
    d = np.asarray(seat.front, float) - np.asarray(seat.back, float)
    fwd = _unit([d[0], d[1], 0.0]) if math.hypot(d[0], d[1]) > 1e-9 else np.array([0.0, -1.0, 0.0])
    return fwd, np.cross((0.0, 0.0, 1.0), fwd)


def recline_deg(seat: Seat) -> float | None:
    """Angle between the seat surface (rear end to front edge) and the back line (``back_low`` to
    ``back_top``), in degrees (90 = upright), or None without a back."""
    if seat.back_top is None:
        return None
    fwd, _ = seat_frame(seat)
    b, f, t = (np.asarray(v, float) for v in (seat.back, seat.front, seat.back_top))
    low = np.asarray(seat.back_low if seat.back_low is not None else seat.back, float)
    s = np.array([np.dot(f - b, fwd), f[2] - b[2]])
    k = np.array([np.dot(t - low, fwd), t[2] - low[2]])
    return math.degrees(math.acos(np.clip(np.dot(s, k) / np.linalg.norm(s) / np.linalg.norm(k), -1.0, 1.0)))


def _segments_distance(points: np.ndarray, starts: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """For each segment ``starts[i] -> starts[i] + ab`` (``(m, 2)``, one direction), the smallest distance
    from ``points`` (``(n, 2)``) to it: ``(m,)``."""
    rel = points[None, :, :] - starts[:, None, :]
    k = np.clip(rel @ ab / max(float(ab @ ab), 1e-12), 0.0, 1.0)
    dx, dy = rel[..., 0] - k * ab[0], rel[..., 1] - k * ab[1]
    return np.sqrt(dx * dx + dy * dy).min(axis=1)  # numpy's norm over the last axis, the same sums, ~2x faster


def _slide_back(seat: Seat, B, s, n, bdir, body: Body, F) -> float:
    """How far from the seat's rear (along the seat line) the hip sits when the figure slides back until its
    thighs or its trunk (along ``bdir``: upright, or reclined on the back) press half of ``SOFT_MM`` into the
    declared seating profile (a rounded front edge above the seat line does not push the figure off the
    seat; sampled every 4 mm; a 25 mm scan, then bisection to 0.5 mm). The scan reaches as far behind the rear
    as the rear is ahead of the front edge, and on (over the profile's length) until something blocks the figure
    when that is not enough: a seat lowest just behind its front edge no longer stops the figure mid-seat."""
    surface = _seat_surface(seat)
    r_th, r_tr = body.thigh_clearance / 2, body.knee_depth
    thigh, trunk = body.buttock_knee - 1.5 * body.knee_depth, body.length("trunk")

    def clear(ts: np.ndarray) -> np.ndarray:
        hips = B + n * r_th + np.outer(ts, s)
        return ((_segments_distance(surface, hips, s * thigh) >= r_th - SOFT_MM / 2)
                & (_segments_distance(surface, hips + bdir * (r_tr - r_th), bdir * (trunk - r_tr + r_th))
                   >= r_tr - SOFT_MM / 2))

    span, step = float(np.linalg.norm(F - B)), 25.0  # the scan's step, mm
    scan = np.arange(-span, span + step, step)
    ok = np.flatnonzero(clear(scan))
    if not len(ok):
        return span
    t = float(scan[ok[0]])
    lo = t - step
    if ok[0] == 0:  # clear as far back as the scan went (a seat lowest near its front): on until blocked
        reach = t - step * np.arange(1, int(np.ptp(surface[:, 0]) / step) + 2)
        hit = np.flatnonzero(~clear(reach))
        if len(hit):
            lo = float(reach[hit[0]])
            t = lo + step
    while t - lo > 0.5:  # the first clear position, to 0.5 mm
        mid = (lo + t) / 2
        lo, t = (lo, mid) if clear(np.array([mid]))[0] else (mid, t)
    return t


@lru_cache(maxsize=64)
def _seat_surface(seat: Seat) -> np.ndarray:
    """The declared seating profile in the seat's plane (along the seat line from its rear, height), sampled
    every 4 mm (:func:`_slide_back`): made once per seat, for every figure and posture posed on it (read-only)."""
    fwd, _ = seat_frame(seat)
    ring = np.array([(float(np.dot(np.asarray(q, float) - seat.back, fwd)), q[2]) for q in seat.profile])
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(ring, axis=0), axis=1))])
    at = np.linspace(0.0, arc[-1], max(int(arc[-1] / 4.0), 2))
    surface = np.column_stack([np.interp(at, arc, ring[:, 0]), np.interp(at, arc, ring[:, 1])])
    surface.flags.writeable = False
    return surface


def pose(body: Body | str, seat: Seat, posture: str = "upright", *, offset: float = 0.0) -> Pose:
    """Seat ``body`` on ``seat`` (see the module docstring for the posture); ``offset`` moves it sideways
    (mm, along the seat's lateral axis: the places of a bench)."""
    from .loads import REAR_B_MM

    body = get_body(body) if isinstance(body, str) else body
    if posture not in ("upright", "lean_back"):
        raise ValueError(f"unknown posture {posture!r}; use 'upright' or 'lean_back'")
    if posture == "lean_back" and seat.back_top is None:
        raise ValueError("a seat without a back has no lean-back posture")
    fwd, lat = seat_frame(seat)
    origin = np.asarray(seat.back, float) + offset * lat
    B = np.array([0.0, seat.back[2]])
    F = np.array([float(np.dot(np.asarray(seat.front, float) - seat.back, fwd)), seat.front[2]])
    s = _unit(F - B)
    n = np.array([-s[1], s[0]])  # the seat's normal, up
    r_th, r_tr = body.thigh_clearance / 2, body.knee_depth
    t = r_tr  # the buttocks at the seat's rear end...
    bdir = None
    if seat.back_top is not None:
        T = np.array([float(np.dot(np.asarray(seat.back_top, float) - seat.back, fwd)), seat.back_top[2]])
        low = np.asarray(seat.back_low if seat.back_low is not None else seat.back, float)
        L = np.array([float(np.dot(low - seat.back, fwd)), low[2]])
        bdir = _unit(T - L)
        side = math.copysign(1.0, _cross2(bdir, F - L))  # the sitter's side of the back line
        along = side * _cross2(bdir, s)
        if along > 1e-9:  # ...or forward until the pelvis clears the back line by the trunk's half depth
            t = max(t, (r_tr - side * _cross2(bdir, B + n * r_th - L)) / along)
        if seat.profile:  # a declared surface: slide back until the thighs or the trunk touch it
            t = _slide_back(seat, B, s, n, bdir if posture == "lean_back" else np.array([0.0, 1.0]), body, F)
    hip = B + n * r_th + s * t
    knee = hip + s * (body.buttock_knee - 1.5 * body.knee_depth)
    sitting_depth = float(np.linalg.norm(F - B)) - (t - r_tr)  # the buttocks' rear to the front edge
    ankle_h = body.length("ankle")
    shank = body.popliteal + r_th - ankle_h  # knee centre to ankle: legs reach the floor exactly at popliteal
    drop = knee[1] - (ankle_h + SHOE_MM)
    feet_on_floor = drop <= shank
    angle = max(math.acos(min(max(drop / shank, -1.0), 1.0)), math.radians(SHANK_DEG))
    ankle = knee + shank * np.array([math.sin(angle), -math.cos(angle)])
    up = np.array([0.0, 1.0]) if posture == "upright" else bdir
    ahead = np.array([up[1], -up[0]])  # perpendicular to the trunk, forward
    shoulder = hip + up * body.length("trunk")
    vertex = shoulder + up * (body.sitting_height - r_th - body.length("trunk"))
    elbow = shoulder - up * body.length("upper_arm")
    wrist = elbow + ahead * body.length("forearm")
    fingers = wrist + ahead * body.length("hand")
    foot_len, r_foot = body.length("foot"), ankle_h / 2
    sole = ankle[1] - ankle_h + r_foot
    heel, toe = np.array([ankle[0] - 0.2 * foot_len, sole]), np.array([ankle[0] + 0.8 * foot_len, sole])

    def world(p2, x=0.0) -> np.ndarray:
        return origin + p2[0] * fwd + x * lat + np.array([0.0, 0.0, p2[1] - seat.back[2]])

    m = body.mass
    legs_x = max(body.hip_breadth / 2 - r_th, r_th)
    arms_x = body.length("shoulders") / 2
    r_head = 0.05 * body.stature
    segs: list[Segment] = []

    def add(name, a, b, radius, x=0.0, com=None):
        frac, at = SEGMENT_MASS[name.split("-")[0]]
        p0, p1 = world(a, x), world(b, x)
        c = world(com, x) if com is not None else p0 + at * (p1 - p0)
        segs.append(Segment(name, p0, p1, radius, frac * m, c))

    for side_name, x in (("left", -1.0), ("right", 1.0)):
        add(f"thigh-{side_name}", hip, knee, r_th, x * legs_x)
        add(f"shank-{side_name}", knee, ankle, 0.4 * r_th, x * legs_x)
        add(f"foot-{side_name}", heel, toe, r_foot, x * legs_x, com=(heel + toe) / 2)
        r_arm = 0.025 * body.stature
        ax = x * (arms_x - r_arm)
        add(f"upper_arm-{side_name}", shoulder, elbow, r_arm, ax)
        add(f"forearm-{side_name}", elbow, wrist, 0.8 * r_arm, ax)
        add(f"hand-{side_name}", wrist, fingers, 0.6 * r_arm, ax)
    add("trunk", hip + up * max(r_tr - r_th, 0.0), shoulder, r_tr, com=(hip + shoulder) / 2)  # sits on the thighs' base
    add("head", shoulder, vertex - up * r_head, r_head, com=vertex - up * 0.065 * body.stature)
    contact = None
    if bdir is not None:
        top = seat.back_top[2]
        z = min(seat.back[2] + REAR_B_MM, top)
        k = (z - seat.back[2]) / max(bdir[1], 1e-9)
        contact = world(B + bdir * k)
    return Pose(body, posture, tuple(segs), bool(feet_on_floor), sitting_depth, contact, world(hip))


def poses(seat: Seat, body: Body | str, posture: str = "upright") -> list[Pose]:
    """One pose per place of the seat (a bench seats ``places`` figures side by side); named figures are
    remembered per seat (the stability and fit checks of one design pose the same figures)."""
    if isinstance(body, str):
        return list(_named_poses(seat, body, posture))
    n = max(1, seat.places)
    return [pose(body, seat, posture, offset=(i - (n - 1) / 2) * seat.width) for i in range(n)]


@lru_cache(maxsize=256)
def _named_poses(seat: Seat, name: str, posture: str) -> tuple[Pose, ...]:
    n = max(1, seat.places)
    return tuple(pose(name, seat, posture, offset=(i - (n - 1) / 2) * seat.width) for i in range(n))


@lru_cache(maxsize=1)
def _unit_sphere() -> np.ndarray:
    """Points on the unit sphere (a UV sphere of 8 x 16), for capsule hulls."""
    lat, lon = np.meshgrid(np.linspace(0, np.pi, 9), np.linspace(0, 2 * np.pi, 16, endpoint=False), indexing="ij")
    pts = np.stack([np.sin(lat) * np.cos(lon), np.sin(lat) * np.sin(lon), np.cos(lat)], axis=-1).reshape(-1, 3)
    return np.unique(np.round(pts, 12), axis=0)


def capsule_radius(seg: Segment, shrink: float = 0.0) -> float:
    """The radius of the segment's capsule less ``shrink`` mm, at least 1 mm (:func:`capsule_points`' spheres)."""
    return max(seg.radius - shrink, 1.0)


def capsule_points(seg: Segment, shrink: float = 0.0) -> np.ndarray:
    """Points whose convex hull is the segment's capsule (``shrink``: mm off its radius), for manifold3d."""
    sphere = _unit_sphere() * capsule_radius(seg, shrink)
    return np.vstack([sphere + seg.p0, sphere + seg.p1])


@lru_cache(maxsize=64)
def _capsule(radius: float, length: float):
    import trimesh

    return trimesh.creation.capsule(height=max(length, 1e-3), radius=radius, count=[10, 10])


def segment_mesh(seg: Segment, shrink: float = 0.0):
    """A trimesh capsule of the segment (``shrink``: mm off its radius)."""
    import trimesh

    axis = seg.p1 - seg.p0
    length = float(np.linalg.norm(axis))
    mesh = _capsule(round(max(seg.radius - shrink, 1.0), 3), round(length, 3)).copy()
    if length > 1e-9:
        mesh.apply_transform(trimesh.geometry.align_vectors((0, 0, 1), axis / length))
    mesh.apply_translation((seg.p0 + seg.p1) / 2)
    return mesh


def figure_mesh(p: Pose):
    """The whole posed figure as one mesh (separate capsules), for the viewer and renders."""
    import trimesh

    return trimesh.util.concatenate([segment_mesh(s) for s in p.segments])
