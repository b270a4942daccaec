"""Parameter files: JSON or YAML, read safely and within bounds, written in a stable, diff-friendly form.

A file is either a flat mapping of parameter values, or a mapping with ``model`` and
``params`` keys (the layout of ``params.json`` and ``design.json``, so a design's own
output rebuilds it).

Untrusted files are bounded before anything is built from them: at most :data:`MAX_BYTES` of text,
:data:`MAX_NODES` values once YAML aliases are expanded (a 1 KB "billion laughs" file is refused,
not grown to gigabytes), and :data:`MAX_DEPTH` levels of nesting. YAML goes through the safe loader
(no object tags). :func:`parse_document` also returns where each value sits in the file, so a
malformed field can be named by file, line and field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ParamsFileError
from .params import Params

#: largest parameter or sweep file read, bytes (a sweep of explicit rows belongs in a CSV file)
MAX_BYTES = 1 << 20
#: most values a file may hold once YAML aliases are expanded
MAX_NODES = 100_000
#: deepest nesting of mappings and lists
MAX_DEPTH = 32


@dataclass
class Document:
    """A parsed mapping and where its values were written.

    Attributes:
        data: the mapping.
        source: the file name (or ``<text>``) for messages.
        lines: 1-based line of each value, keyed by its path of keys/indices (``("grid", "width")``).
    """

    data: dict[str, Any]
    source: str = "<text>"
    lines: dict[tuple, int] = field(default_factory=dict)

    def where(self, *path: Any) -> str:
        """``file, line N, field a.b`` for a value (the nearest enclosing value's line if unknown)."""
        name = ".".join(str(p) for p in path)
        for k in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:k]))
            if line is not None:
                return f"{self.source}, line {line}" + (f", field {name}" if name else "")
        return self.source + (f", field {name}" if name else "")


def _check_node_graph(root: yaml.Node, source: str) -> None:
    """Refuse a YAML node graph whose expansion is too large or too deep (aliases share nodes, so
    sizes are memoised per node: the cost is linear in the file, not in its expansion)."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    active: set[int] = set()

    def visit(node: yaml.Node) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key], depths[key]
        if key in active:
            raise ParamsFileError(f"{source}: a YAML alias refers to itself (a recursive structure); "
                                  "write the values out")
        if isinstance(node, yaml.ScalarNode):
            return 1, 0
        active.add(key)
        children = ([c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode)
                    else list(node.value))
        size, depth = 1, 0
        for child in children:
            s, d = visit(child)
            size, depth = size + s, max(depth, d + 1)
            if size > MAX_NODES:
                raise ParamsFileError(f"{source}: holds more than {MAX_NODES:,} values once its YAML aliases "
                                      "are expanded; a parameter or sweep file needs far fewer (is it a "
                                      "\"billion laughs\" file?)")
            if depth > MAX_DEPTH:
                raise ParamsFileError(f"{source}: nested more than {MAX_DEPTH} levels deep; parameter and "
                                      "sweep files are flat mappings of values")
        active.discard(key)
        sizes[key], depths[key] = size, depth
        return size, depth

    visit(root)


def _yaml_lines(node: yaml.Node, path: tuple, out: dict[tuple, int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)
    if len(out) > MAX_NODES:
        return
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                _yaml_lines(value, (*path, key.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            _yaml_lines(value, (*path, i), out)


def _json_depth(data: Any, limit: int, source: str, depth: int = 0) -> None:
    if depth > limit:
        raise ParamsFileError(f"{source}: nested more than {limit} levels deep; parameter and sweep files are "
                              "flat mappings of values")
    children = data.values() if isinstance(data, dict) else data if isinstance(data, list) else ()
    for child in children:
        _json_depth(child, limit, source, depth + 1)


def parse_document(text: str, *, source: str = "<text>", fmt: str | None = None) -> Document:
    """Parse JSON/YAML text (safe loader, bounded) that must hold a mapping; an empty text is ``{}``.

    Args:
        fmt: ``"json"`` or ``"yaml"``; YAML (JSON's superset) when None.

    Raises:
        ParamsFileError: too large, too deep, malformed (with line and column) or not a mapping.
    """
    if len(text) > MAX_BYTES:
        raise ParamsFileError(f"{source}: {len(text):,} characters is more than the {MAX_BYTES:,} a parameter or "
                              "sweep file may hold; put many explicit variants in a CSV file (rows: FILE.csv)")
    lines: dict[tuple, int] = {}
    try:
        if fmt == "json":
            data = json.loads(text)
            _json_depth(data, MAX_DEPTH, source)
        else:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            if node is None:
                return Document({}, source)
            _check_node_graph(node, source)
            _yaml_lines(node, (), lines)
            loader = yaml.SafeLoader(text)
            try:
                data = loader.construct_document(node)
            finally:
                loader.dispose()
    except json.JSONDecodeError as exc:
        raise ParamsFileError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise ParamsFileError(f"{source}: nested too deeply; parameter and sweep files are flat mappings") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits (Python's int/str conversion limit)
        what = "a number with thousands of digits" if "digits" in str(exc) else f"a value ({exc})"
        raise ParamsFileError(f"{source}: holds {what} that cannot be read; write numbers of a normal size, "
                              "e.g. 450") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ParamsFileError(f"{source}: not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        return Document({}, source)
    if not isinstance(data, dict):
        raise ParamsFileError(f"{source}: expected a mapping of names to values, got a {type(data).__name__}")
    return Document(data, source, lines)


def parse_mapping(text: str, *, source: str = "<text>", fmt: str | None = None) -> dict[str, Any]:
    """Parse JSON/YAML text into a mapping (see :func:`parse_document` for the bounds).

    Raises:
        ParamsFileError: malformed text (with line and column), too large or deep, or not a mapping.
    """
    return parse_document(text, source=source, fmt=fmt).data


def read_text_bounded(path: str | Path, what: str = "parameter file", limit: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file of at most ``limit`` bytes (never more into memory).

    Raises:
        ParamsFileError: missing, unreadable, not UTF-8 or too large.
    """
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise ParamsFileError(f"{what} {path} does not exist") from None
    except IsADirectoryError:
        raise ParamsFileError(f"{what} {path} is a folder; give a file") from None
    except OSError as exc:
        raise ParamsFileError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(raw) > limit:
        raise ParamsFileError(f"{what} {path} is larger than {limit:,} bytes; parameter and sweep files are "
                              "small (put many explicit variants in a CSV file: rows: FILE.csv)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParamsFileError(f"{what} {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def parse_params_text(text: str, *, source: str = "<text>",
                      fmt: str | None = None) -> tuple[str | None, dict[str, Any]]:
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
    text = read_text_bounded(path)
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
