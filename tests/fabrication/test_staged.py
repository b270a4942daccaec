"""The staged export API: fabricate once, then write cut files or the whole bundle, each sheet walked once."""

from __future__ import annotations

import json

import ezdxf
import pytest

from fabrication.export import bundle as bundle_mod
from fabrication.export import sheetwalk
from fabrication.machines import get_machine
from parametric.materials import get_material


@pytest.fixture(scope="module")
def fab(laser_chair):
    """The kids' chair fabricated for the 60 W laser (row layout, no checks: fast)."""
    return bundle_mod.fabricate(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"),
                                checks=False, layout="rows")


def _count_walks(monkeypatch) -> list[int]:
    calls = []
    real = sheetwalk.walk

    def counting(sheet, *args, **kwargs):
        calls.append(sheet.index)
        return real(sheet, *args, **kwargs)

    monkeypatch.setattr(bundle_mod, "walk", counting)
    monkeypatch.setattr(sheetwalk, "walk", counting)
    return calls


def test_fabricate_computes_everything_but_files(fab, laser_chair):
    assert set(fab.cut_parts) == {p.name for p in laser_chair.parts}
    assert fab.sheets and fab.bom.sheets == len(fab.sheets) and fab.check is None
    assert {"toolpaths", "nesting", "bom"} <= set(fab.timings) and "checks" not in fab.timings
    assert all(v >= 0 for v in fab.timings.values())


def test_cut_files_walk_each_sheet_once(tmp_path, laser_chair, monkeypatch):
    calls = _count_walks(monkeypatch)  # the BOM's cut time and every writer share one walk
    fab = bundle_mod.fabricate(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"),
                               checks=False, layout="rows")
    names = bundle_mod.write_cut_files(fab, tmp_path)
    assert sorted(names) == sorted(p.name for p in tmp_path.iterdir())
    assert {f"sheet-{s.index:02d}.{ext}" for s in fab.sheets for ext in ("dxf", "svg")} | {"bom.csv"} == set(names)
    assert sorted(calls) == sorted(s.index for s in fab.sheets)
    doc = ezdxf.readfile(tmp_path / "sheet-01.dxf")
    assert len(doc.modelspace().query("LWPOLYLINE[layer=='ENGRAVE']")) > 0
    assert {"walk", "dxf", "svg", "bom_csv"} <= set(fab.timings)


def test_bundle_files_share_the_walk_with_the_pdf(tmp_path, laser_chair, monkeypatch):
    calls = _count_walks(monkeypatch)  # the BOM's cut time and every writer share one walk
    fab = bundle_mod.fabricate(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"),
                               checks=False, layout="rows")
    names = bundle_mod.write_bundle_files(fab, tmp_path, render_size=(200, 150))
    assert {"README.md", "params.json", "slice_chair.step", "slice_chair.stl", "slice_chair-guide.pdf",
            "bom.csv", "sheet-01.dxf", "sheet-01.svg"} <= set(names) and "check.json" not in names
    assert sorted(calls) == sorted(s.index for s in fab.sheets)
    assert {"step", "stl", "pdf"} <= set(fab.timings)


def test_labels_none_leaves_the_engrave_layer_empty(tmp_path, laser_chair):
    fab = bundle_mod.fabricate(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"),
                               checks=False, layout="rows", labels="none")
    assert all(c.label is None for c in fab.cut_parts.values())
    bundle_mod.write_cut_files(fab, tmp_path)
    for sheet in fab.sheets:
        doc = ezdxf.readfile(tmp_path / f"sheet-{sheet.index:02d}.dxf")
        assert len(doc.modelspace().query("*[layer=='ENGRAVE']")) == 0
        assert len(doc.modelspace().query("LWPOLYLINE[layer=='CUT_OUTSIDE_6.4MM']")) == len(sheet.placed)
        svg_text = (tmp_path / f"sheet-{sheet.index:02d}.svg").read_text()
        assert '<g id="engrave"' in svg_text and "data-part" not in svg_text.split('<g id="engrave"')[1]
    assert "R1" in fab.bom.csv()  # the BOM still names the parts


def test_labels_none_through_the_cli_and_bad_values_exit_2(tmp_path, laser_chair):
    import zipfile

    from click.testing import CliRunner

    from d4d_cad.cli import main

    args = ["export", "slice_chair", "--preset", "kids", "--set", "thickness=6.4", "--set", "rib_depth=60",
            "--set", "slat_depth=40", "--machine", "co2-laser-60w", "--layout", "rows", "--out", str(tmp_path)]
    bad = CliRunner().invoke(main, [*args, "--labels", "paint"])
    assert bad.exit_code == 2 and "--labels" in bad.output
    result = CliRunner().invoke(main, [*args, "--labels", "none"])
    assert result.exit_code == 0, result.output
    (zpath,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(zpath) as zf:
        slug = zpath.stem  # built with the laser's clearance (0.1 mm), so not laser_chair's own hash
        assert json.loads(zf.read(f"{slug}/params.json"))["params"]["clearance"] == 0.1
        readme = zf.read(f"{slug}/README.md").decode()
        sheet = zf.read(f"{slug}/sheet-01.dxf").decode()
    assert "labels: none engraved" in readme
    assert "\nENGRAVE\n" in sheet  # the layer is declared...
    assert sheet.count("\nENGRAVE\n") == 1  # ...and nothing is drawn on it


def test_unknown_labels_value_is_refused(laser_chair):
    from parametric.errors import FabricationError

    with pytest.raises(FabricationError, match="engrave or none"):
        bundle_mod.fabricate(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"),
                             checks=False, layout="rows", labels="paint")
