"""Shared fixtures: designs are built once per session (they are immutable)."""

from __future__ import annotations

import pytest

from parametric import build_design


@pytest.fixture(scope="session")
def chair():
    """The default slice chair."""
    return build_design("slice_chair")


@pytest.fixture(scope="session")
def chair_uncut(chair):
    """The default slice chair's plates before any slot is cut (same parameters)."""
    from parametric import get_model

    return get_model("slice_chair").design(chair.params, cut=False)
