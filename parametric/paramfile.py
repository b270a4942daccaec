"""Parameter files: JSON or YAML, read safely, written in a stable, diff-friendly form.

A file is either a flat mapping of parameter values, or a mapping with ``model`` and
``params`` keys (the layout of ``params.json`` and ``design.json``, so a design's own
output rebuilds it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import ParamsFileError
from .params import Params


def parse_mapping(text: str, *, source: str = "<text>", fmt: str | None = None) -> dict[str, Any]:
    """Parse JSON/YAML text (safe loader) that must hold a mapping; an empty text is ``{}``.

    Args:
        fmt: ``"json"`` or ``"yaml"``; YAML (JSON's superset) when None.

    Raises:
        ParamsFileError: malformed text (with line and column) or not a mapping.
    """
    try:
        if fmt == "json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ParamsFileError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ParamsFileError(f"{source}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsFileError(f"{source}: expected a mapping of names to values, got a {type(data).__name__}")
    return data


def parse_params_text(text: str, *, source: str = "<text>", fmt: str | None = None) -> tuple[str | None, dict[str, Any]]:
    """Parse parameter-file text into ``(model name or None, values)``.

    Raises:
        ParamsFileError: malformed text or an unexpected layout.
    """
    data = parse_mapping(text, source=source, fmt=fmt)
    if "params" in data:
        values = data["params"]
        if not isinstance(values, dict):
            raise ParamsFileError(f"{source}: 'params' must be a mapping of parameter names to values")
        model = data.get("model")
        if model is not None and not isinstance(model, str):
            raise ParamsFileError(f"{source}: 'model' must be a model name")
        return model, dict(values)
    return None, dict(data)


def load_params_file(path: str | Path) -> tuple[str | None, dict[str, Any]]:
    """Read a JSON/YAML parameter file into ``(model name or None, values)``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsFileError(f"parameter file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsFileError(f"cannot read parameter file {path}: {exc}") from None
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return parse_params_text(text, source=str(path), fmt=fmt)


def params_document(params: Params, model_version: str = "") -> dict[str, Any]:
    """The ``{model, version, hash, params}`` mapping that rebuilds these parameters."""
    doc = {"model": params.model, "params": params.to_dict(), "hash": params.hash}
    if model_version:
        doc["model_version"] = model_version
    return doc


def dump_params(params: Params, fmt: str = "json", model_version: str = "") -> str:
    """Serialise parameters as JSON or YAML text that :func:`parse_params_text` reads back."""
    doc = params_document(params, model_version)
    if fmt == "json":
        return json.dumps(doc, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(doc, sort_keys=False)
    raise ParamsFileError(f"unknown parameter file format {fmt!r}; use json or yaml")
