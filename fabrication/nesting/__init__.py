"""Nesting: true-shape packing of flat parts onto sheets (numba kernels in ``_kernels.py``).

``nest(parts, stock, ...)`` places parts on sheets (fewest sheets, then the shortest last sheet);
``nest_strip(parts, height, ...)`` solves strip packing for the ESICUP benchmarks;
``validate.problems(result, ...)`` is the independent shapely checker every caller should run.
"""

from .api import NestResult, Placement, SheetResult, nest, nest_strip
from .prepare import NestPart, Stock

__all__ = ["NestPart", "NestResult", "Placement", "SheetResult", "Stock", "nest", "nest_strip"]
