"""d4d's framework: parameters, flat parts, derived joinery, designs, solids, meshes and checks.

The public API (cheap to import: no CadQuery or trimesh until a function needs them)::

    from parametric import get_model, build_design
    design = build_design("slice_chair", preset="dining", width=480)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .design import Design, Joint, LoadCase  # noqa: E402
from .errors import D4DError, ParameterError  # noqa: E402
from .params import Params  # noqa: E402
from .part import FlatPart, Frame  # noqa: E402
from .registry import available_models, get_model  # noqa: E402


def build_design(model: str, params=None, *, preset: str | None = None, **values) -> Design:
    """Build the design of a registered model: defaults, then ``preset``, then ``params``/keywords."""
    cls = get_model(model)
    if params is not None and not isinstance(params, Params):
        values = {**params, **values}
        params = None
    return cls.design(params if params is not None else cls.params(values, preset=preset))


__all__ = ["Design", "D4DError", "FlatPart", "Frame", "Joint", "LoadCase", "ParameterError", "Params",
           "available_models", "build_design", "get_model", "__version__"]
