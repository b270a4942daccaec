"""Hypothesis strategies generated from a model's parameter specs (values on the step grid)."""

from __future__ import annotations

from hypothesis import strategies as st

from parametric.params import Angle, Choice, Count, Flag, Length, Outline, ParamSchema, Profile
from parametric.params_mesh import Mesh


def spec_strategy(spec):
    """Values a user could enter for one spec: in range, on the declared step."""
    if isinstance(spec, (Length, Angle)):
        steps = int(round((spec.max - spec.min) / spec.step))
        return st.integers(0, steps).map(lambda k: min(spec.max, round(spec.min + k * spec.step, 6)))
    if isinstance(spec, Count):
        return st.integers(spec.min, spec.max)
    if isinstance(spec, Choice):
        return st.sampled_from(spec.options)
    if isinstance(spec, Flag):
        return st.booleans()
    if isinstance(spec, Profile):
        point = st.tuples(st.integers(int(spec.min[0]), int(spec.max[0])),
                          st.integers(int(spec.min[1]), int(spec.max[1])))
        return st.lists(point, min_size=len(spec.points), max_size=len(spec.points))
    if isinstance(spec, Outline):
        return st.just(None)  # drawn outlines are covered by tests/profiles
    if isinstance(spec, Mesh):
        return st.sampled_from(["cylinder", "cone", "sphere", "torus", "box"])  # mesh files: tests/slicing
    raise TypeError(f"no strategy for {type(spec).__name__}")


def params_strategy(schema: ParamSchema, *, profile_scale: float = 1.0):
    """Dictionaries of in-range values for every parameter of a schema."""
    return st.fixed_dictionaries({name: spec_strategy(spec) for name, spec in schema.specs.items()})
