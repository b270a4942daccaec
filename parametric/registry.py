"""Model discovery: every module in ``models/`` plus the ``d4d.models`` entry-point group.

Third-party packages add products without touching this repository::

    [project.entry-points."d4d.models"]
    my_lamp = "my_pkg.lamp:Lamp"
"""

from __future__ import annotations

import difflib
import importlib
import logging
import pkgutil
from importlib.metadata import entry_points

from .errors import UnknownModelError
from .model import Model

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "d4d.models"
_cache: dict[str, type[Model]] | None = None


def _collect(module) -> list[type[Model]]:
    return [obj for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, Model) and obj is not Model and obj.name
            and obj.__module__ == module.__name__]


def available_models(refresh: bool = False) -> dict[str, type[Model]]:
    """All registered models by name (built-in first, then plugins), cached."""
    global _cache
    if _cache is not None and not refresh:
        return _cache
    found: dict[str, type[Model]] = {}
    import models as builtin

    for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        for cls in _collect(importlib.import_module(f"models.{info.name}")):
            found[cls.name] = cls
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not break the tool
            log.warning("plugin %s could not be loaded: %s", ep.value, exc)
            continue
        if isinstance(obj, type) and issubclass(obj, Model) and obj.name not in found:
            found[obj.name] = obj
    _cache = found
    return found


def model_key(name: str) -> str:
    """The spelling a model name is looked up by: ``"Slice-Chair"``, ``" slice chair"`` -> ``"slice_chair"``."""
    return "_".join(str(name).strip().lower().replace("-", " ").replace("_", " ").split())


def get_model(name: str) -> type[Model]:
    """The model class registered under ``name``, in any case, with ``-``, ``_`` or spaces between words.

    Raises:
        UnknownModelError: no such model (the message suggests close names).
    """
    models = available_models()
    key = model_key(name)
    if key in models:
        return models[key]
    folded = {model_key(n): n for n in models}
    if key in folded:  # a plugin's own spelling (e.g. upper case) typed differently
        return models[folded[key]]
    close = [folded[c] for c in difflib.get_close_matches(key, folded, n=3, cutoff=0.5)]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownModelError(f"unknown model {name!r}{hint} Known models: {', '.join(sorted(models))} "
                            "(`d4d models` lists them)")
