"""Explicit sweep variants from a CSV file, and reading one sweep value with its parameter's units."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from parametric.errors import D4DError, ParamsFileError
from parametric.paramfile import read_text_bounded

#: the largest CSV of explicit rows read, bytes
MAX_CSV_BYTES = 64 << 20


def coerce_value(spec, value: Any, where: str) -> Any:
    """Read one value with its parameter's units (range and constraints are checked per variant)."""
    try:
        return spec.coerce(value)
    except D4DError as exc:
        raise ParamsFileError(f"{where}: {exc}") from None


def read_rows(path: Path, schema, *, source: str) -> list[dict[str, Any]]:
    """Explicit variants from a CSV file: a header of parameter names (plus optional ``machine`` and
    ``material``), one variant per row; empty cells keep the preset's value.

    Raises:
        ParamsFileError: missing file, unknown column, a row with the wrong number of cells or a value
            that cannot be read (each named by line).
    """
    text = read_text_bounded(path, "CSV file", MAX_CSV_BYTES)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ParamsFileError(f"{path}: the CSV file is empty; write a header of parameter names") from None
    except csv.Error as exc:
        raise ParamsFileError(f"{path}, line 1: not valid CSV ({exc})") from None
    specs = schema.specs
    unknown = [h for h in header if h not in specs and h not in ("machine", "material")]
    if unknown or len(set(header)) != len(header) or not header:
        why = f"unknown columns {unknown}" if unknown else "a repeated or empty header"
        raise ParamsFileError(f"{path}, line 1: {why}; columns are parameter names of {schema.model!r} "
                              "(`d4d info` lists them), machine and material")
    rows = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(c.strip() for c in record):
                continue
            if len(record) != len(header):
                raise ParamsFileError(f"{path}, line {line}: {len(record)} cells for {len(header)} columns")
            row = {}
            for name, cell in zip(header, record):
                cell = cell.strip()
                if cell:
                    row[name] = cell if name in ("machine", "material") else \
                        coerce_value(specs[name], cell, f"{path}, line {line}, column {name}")
            rows.append(row)
    except csv.Error as exc:
        raise ParamsFileError(f"{path}, line {reader.line_num}: not valid CSV ({exc})") from None
    if not rows:
        raise ParamsFileError(f"{path}: the CSV file has a header but no rows")
    return rows
