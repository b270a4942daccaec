"""Units: millimetres inside, inches (and cm, m) accepted at the edges.

Multipliers convert *to* millimetres (the build123d habit): ``2 * IN`` is 50.8 mm.
"""

from __future__ import annotations

import numbers
import re

from .errors import ParameterError

MM = 1.0
CM = 10.0
M = 1000.0
IN = 25.4

#: unit name -> millimetres per unit
UNITS: dict[str, float] = {
    "mm": MM, "cm": CM, "m": M, "in": IN, "inch": IN, "inches": IN, '"': IN,
}

_QUANTITY = re.compile(
    r"^\s*(?P<num>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)(\s*/\s*(?P<den>\d+(\.\d*)?))?"
    r"\s*(?P<unit>[a-zA-Z\"]*)\s*$"
)


def parse_length(text: str | float | int, *, name: str = "value", default_unit: str = "mm") -> float:
    """Parse a length such as ``450``, ``"450mm"``, ``"17.7 mm"``, ``"0.75in"`` or ``"3/4 in"`` to mm.

    Raises:
        ParameterError: the text is not a number with a known unit.
    """
    if isinstance(text, bool):
        raise ParameterError(f"{name}: expected a length, got {text!r}", [name])
    if isinstance(text, numbers.Real):  # int, float, numpy scalars
        try:
            return float(text) * UNITS[default_unit]
        except OverflowError:  # an int beyond float range (a YAML 1000...0 of 400 digits)
            raise ParameterError(f"{name}: the number is too large to be a length; write a length in mm, "
                                 "e.g. 450", [name]) from None
    if not isinstance(text, str):  # a list, a mapping, None: str() of it may not even finish (huge ints)
        raise ParameterError(f"{name}: expected a length (a number, or text such as 450mm or 0.75in), got a "
                             f"{type(text).__name__}", [name])
    match = _QUANTITY.match(text)
    if not match:
        raise ParameterError(
            f"{name}: cannot read {text!r} as a length; write a number with an optional unit, "
            f"e.g. 450, 450mm or 0.75in", [name])
    value = float(match["num"])
    if match["den"]:
        den = float(match["den"])
        if den == 0:
            raise ParameterError(f"{name}: division by zero in {text!r}", [name])
        value /= den
    unit = (match["unit"] or default_unit).lower()
    if unit not in UNITS:
        raise ParameterError(
            f"{name}: unknown unit {match['unit']!r} in {text!r}; use one of "
            f"{', '.join(sorted(k for k in UNITS if k.isalpha()))}", [name])
    return value * UNITS[unit]
