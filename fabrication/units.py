"""Export units: d4d works in millimetres and writes mm or inches on request."""

from __future__ import annotations

#: millimetres per export unit
PER_MM = {"mm": 1.0, "in": 25.4}
#: DXF $INSUNITS codes (4 = millimetres, 1 = inches)
INSUNITS = {"mm": 4, "in": 1}
