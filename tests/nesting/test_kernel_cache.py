"""numba's cached kernels are dropped when a kernel source changes (``_kernels.drop_stale_cache``)."""

from __future__ import annotations

import pytest

from fabrication.nesting import _construct, _grid, _kernels, _separate
from fabrication.nesting._kernels import drop_stale_cache


def _cache_files(pycache):
    for name in ("_separate.move_item-1.py311.nbi", "_separate.move_item-1.py311.1.nbc"):
        (pycache / name).write_bytes(b"compiled")


def test_the_cache_goes_when_any_kernel_source_changes_and_stays_otherwise(tmp_path):
    (tmp_path / "_kernels.py").write_text("LOSS = 1\n")
    (tmp_path / "_separate.py").write_text("from ._kernels import LOSS\n")
    (tmp_path / "api.py").write_text("X = 1\n")
    pycache = tmp_path / "__pycache__"
    pycache.mkdir()
    _cache_files(pycache)
    (pycache / "api.cpython-311.pyc").write_bytes(b"bytecode")
    assert drop_stale_cache(tmp_path)  # no digest yet: whatever is cached may be stale
    assert sorted(p.name for p in pycache.iterdir()) == ["api.cpython-311.pyc", "kernels.sha256"]

    _cache_files(pycache)  # compiled again from these sources
    assert not drop_stale_cache(tmp_path)
    (tmp_path / "api.py").write_text("X = 2\n")  # not a kernel module
    assert not drop_stale_cache(tmp_path)
    assert len(list(pycache.glob("*.nb?"))) == 2

    (tmp_path / "_kernels.py").write_text("LOSS = 2\n")  # a callee changes: its callers' copies are stale
    assert drop_stale_cache(tmp_path)
    assert not list(pycache.glob("*.nb?"))
    assert not drop_stale_cache(tmp_path)


def test_a_package_without_a_cache_folder_gets_one_with_the_digest(tmp_path):
    (tmp_path / "_kernels.py").write_text("LOSS = 1\n")
    assert drop_stale_cache(tmp_path)
    assert (tmp_path / "__pycache__" / "kernels.sha256").read_text()


def test_the_hot_kernels_compile_without_reference_counting():
    """The separator's and the construction's inner kernels allocate nothing and run lean
    (``_kernels.LEAN``): with numba's reference counting they ran at a third to a half the speed,
    the same layouts. A kernel that allocated could not compile lean; this keeps one from
    quietly losing the option."""
    if not _kernels.LEAN:
        pytest.skip("this numba has no _nrt option (or D4D_NO_NUMBA is set): the kernels run as before")
    hot = [_kernels.piece_depth, _kernels.pair_depth, _kernels.pair_depth_capped, _kernels.pair_loss,
           _kernels.pair_collides, _kernels.collides, _grid.grid_query, _separate.item_score,
           _separate._descend, _separate.move_item, _construct._hits]
    assert [k.py_func.__name__ for k in hot if k.targetoptions.get("_nrt") is not False] == []
