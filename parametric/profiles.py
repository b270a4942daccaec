"""Profiles as data: shipped YAML entries, overridden or extended by a user's YAML file."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .errors import ProfileError

T = TypeVar("T")


def load_profiles(package: str, resource: str, parse: Callable[[str, Any, str], T], what: str,
                  extra: str | None = None) -> dict[str, T]:
    """Parse every entry of ``package/resource``, then of the user file ``extra`` (same layout).

    Raises:
        ProfileError: an unreadable or malformed user file (naming the file and the problem).
    """
    text = resources.files(package).joinpath(resource).read_text()
    out = {k: parse(k, v, Path(resource).name) for k, v in yaml.safe_load(text).items()}
    if extra:
        path = Path(extra)
        try:
            data = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as exc:
            raise ProfileError(f"cannot read {what} file {path}: {exc}") from None
        if not isinstance(data, dict):
            raise ProfileError(f"{what} file {path}: expected a mapping of {what} names to fields")
        out.update({k: parse(k, v, str(path)) for k, v in data.items()})
    return out


def pick(profiles: dict[str, T], name: str, what: str) -> T:
    """The profile ``name``; ProfileError listing the known ones otherwise."""
    if name not in profiles:
        raise ProfileError(f"unknown {what} {name!r}; known {what}s: {', '.join(sorted(profiles))}")
    return profiles[name]
