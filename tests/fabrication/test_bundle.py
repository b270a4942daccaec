"""The download bundle and the CLI: contents, rebuildable params, the PDF, BOM totals, bad input."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from fabrication.bom import make_bom
from fabrication.export import bundle as bundle_mod
from fabrication.export.bundle import export_bundle
from fabrication.export.sheetwalk import walk
from fabrication.machines import get_machine
from d4d_cad.cli import main
from parametric.errors import FabricationError
from parametric.materials import get_material

ROUTER = get_machine("cnc-router-6mm")


@pytest.fixture(scope="module")
def chair():
    """The default chair as ``d4d export`` builds it for the 6 mm router: slots with the router's clearance
    for birch ply (0.25 mm), not the model's machine-less default (0.2 mm)."""
    from fabrication.machines import default_clearance
    from parametric import build_design

    clearance = default_clearance(get_machine("cnc-router-6mm"), get_material("birch-ply"))
    assert clearance == 0.25
    return build_design("slice_chair", clearance=clearance)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, chair):
    """The default chair exported through the CLI for the 6 mm router: (folder, zip path)."""
    out = tmp_path_factory.mktemp("bundle")
    result = CliRunner().invoke(main, ["export", "slice_chair", "--machine", "cnc-router-6mm", "--material",
                                       "birch-ply", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (zpath,) = out.glob("*.zip")
    return out, zpath


def test_bundle_contents_and_params_rebuild_the_hash(exported, chair):
    out, zpath = exported
    assert re.fullmatch(r"slice_chair-[0-9a-f]{12}-cnc-router-6mm-birch-ply-17\.7mm-[0-9a-f]{6}\.zip", zpath.name)
    assert [p.name for p in out.iterdir()] == [zpath.name]  # no temporary file left
    with zipfile.ZipFile(zpath) as zf:
        names = {Path(n).name for n in zf.namelist()}
        params = json.loads(zf.read(f"{zpath.stem}/params.json"))
        bom = zf.read(f"{zpath.stem}/bom.csv").decode()
        readme = zf.read(f"{zpath.stem}/README.md").decode()
        check = json.loads(zf.read(f"{zpath.stem}/check.json"))
    assert {"README.md", "params.json", "slice_chair.step", "slice_chair.stl", "sheet-01.dxf", "sheet-01.svg",
            "slice_chair-guide.pdf", "bom.csv", "check.json"} <= names
    from parametric import build_design

    # the export builds with the router's default clearance (0.25 mm), so its hash is not the bare chair's
    assert params["params"]["clearance"] == ROUTER.clearance
    assert build_design("slice_chair", params["params"]).hash == params["hash"] == zpath.name.split("-")[1]
    assert build_design("slice_chair", clearance=ROUTER.clearance).hash == params["hash"]
    assert "R1 R2 R3" in bom and "cut_time_min" in bom and check["ok"] in (True, False)
    for words in ("measured thickness 17.7 mm", "router bit 6 mm", "2500 x 1250 mm", "## Assembly", "1. Lay out",
                  "## Licence"):
        assert words in readme


def test_bom_groups_parts_and_totals_time_and_cost(prepared):
    machine, design, cuts, sheets = prepared
    material = get_material("birch-ply")
    bom = make_bom(design, cuts, sheets, machine, material)
    assert sum(r.quantity for r in bom.rows) == len(design.parts)
    assert sorted(lab for r in bom.rows for lab in r.labels) == sorted(p.label for p in design.parts)
    length = sum(c.outline.length for c in cuts.values())  # exterior + holes
    assert bom.cut_length == pytest.approx(length, rel=1e-9)
    pierces = sum(1 + len(c.outline.interiors) for c in cuts.values())
    t = design.params["thickness"]
    if machine.is_router:  # sum L * ceil(T / doc) / F + plunges (fabrication-reference.md 2)
        passes = math.ceil(t / machine.depth_per_pass)
        speed = machine.feed / 60
        cutting = length * passes / speed
        plunges = pierces * passes * machine.pierce_time
    else:  # L / v + pierces
        passes, speed = 1, machine.laser_speed(t)
        cutting, plunges = length / speed, pierces * machine.pierce_time
    assert bom.time["cutting"] == pytest.approx(cutting)
    assert bom.time["pierces"] == pytest.approx(plunges)
    assert bom.time["lead_ins"] == pytest.approx(pierces * passes * machine.lead_in / speed)
    # travel: at least from the origin to the farthest contour start and back, at the rapid speed
    far = max(math.hypot(*op.paths[0][0][:2]) for s in sheets for op in walk(s, cuts, notes=False)
              if op.kind == "outside")
    assert bom.travel >= 2 * far and bom.time["rapids"] == pytest.approx(bom.travel / machine.rapid)
    labelled = [c for c in cuts.values() if c.label is not None]
    assert labelled and bom.engrave_length > 0
    assert bom.time["engraving"] >= bom.engrave_length / machine.engrave_speed
    assert bom.tools == (2 if machine.is_router else 0)  # the cutting bit and an engraving bit
    assert bom.time["tool_changes"] == pytest.approx(bom.tools * machine.tool_change)
    assert bom.cut_seconds == pytest.approx(sum(bom.time.values())) and bom.cut_seconds > cutting + plunges
    w, h = bom.sheet_size
    price = material.price_m2(t)
    assert bom.material_cost == pytest.approx(len(sheets) * w * h / 1e6 * price)
    by_area = make_bom(design, cuts, sheets, machine, material, cost_by="area")
    area = sum(c.finished.area for c in cuts.values())
    assert by_area.material_cost == pytest.approx(area / 1e6 * price) and by_area.material_cost < bom.material_cost
    assert 0 < bom.utilisation < 1
    csv_rows = bom.csv().splitlines()
    assert csv_rows[0].startswith("part_id,name,labels,quantity,material,thickness_mm")
    assert any(r.startswith("time_rapids_min,") for r in csv_rows) and any(r.startswith("cost_by,sheet") for r in csv_rows)
    with pytest.raises(FabricationError, match="use sheet or area"):
        make_bom(design, cuts, sheets, machine, material, cost_by="weight")


def test_material_price_by_thickness():
    birch = get_material("birch-ply")
    assert birch.price_m2(17.7) == 38.0 and birch.price_m2(3.8) < birch.price_m2(6.4) < birch.price_m2(17.7)
    assert birch.sheet_price(17.7) == pytest.approx(2.5 * 1.25 * 38.0)
    assert get_material("osb").price_m2(12) == get_material("osb").price_per_m2  # one price still works
    from parametric.errors import ProfileError
    from parametric.materials import _parse

    fields = dict(density=600, modulus_along=1, modulus_across=1, strength_along=1, strength_across=1)
    assert _parse("x", {**fields, "price_per_m2": {3: 5, 6: 8}}, "t").price_m2(5.9) == 8
    with pytest.raises(ProfileError, match=r"price_per_m2\[3\] = -5 is out of range"):
        _parse("x", {**fields, "price_per_m2": {3: -5}}, "t")


def test_pdf_sheet_pages_are_true_size_and_render(tmp_path, laser_chair):
    if not shutil.which("pdftoppm") or not shutil.which("pdfinfo"):
        pytest.skip("pdftoppm/pdfinfo (poppler-utils) not installed; .ci/apt-packages.txt installs them")
    bundle = export_bundle(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"), tmp_path,
                           checks=False, layout="rows", render_size=(400, 300))
    with zipfile.ZipFile(bundle.path) as zf:
        zf.extractall(tmp_path)
    pdf = next(tmp_path.rglob("*-guide.pdf"))
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "1", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page") and "size" in line)
    w_pt, h_pt = (float(v) for v in size.split(":")[1].split("pts")[0].split(" x "))
    sheet = bundle.sheets[0]
    assert (w_pt * 25.4 / 72, h_pt * 25.4 / 72) == pytest.approx((sheet.width, sheet.height), abs=0.1)
    subprocess.run(["pdftoppm", "-r", "4", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    steps = 2  # ribs, then slats
    assert len(list(tmp_path.glob("page*.png"))) == len(bundle.sheets) + 2 + steps  # + parts, who it fits


def test_inch_bundle_and_a_failure_leaves_nothing(tmp_path, laser_chair, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundle_mod.pdf, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        export_bundle(laser_chair, get_machine("co2-laser-60w"), get_material("birch-ply"), tmp_path,
                      checks=False, layout="rows", unit="in")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, words", [
    (["--machine", "cnc-router-9mm"], ["unknown machine", "cnc-router-6mm"]),
    (["--machine", "cnc-router-6mm", "--material", "balsa"], ["unknown material", "birch-ply"]),
    (["--machine", "cnc-router-6mm", "--material", "birch-ply:5"], ["comes in", "18"]),
    (["--machine", "co2-laser-60w"], ["cuts at most 12 mm"]),
    (["--machine", "co2-laser-60w", "--material", "birch-ply:4", "--set", "thickness=2.5"], ["thickness", "3 to 30 mm"]),
])
def test_bad_export_input_exits_2_and_leaves_nothing(tmp_path, args, words):
    result = CliRunner().invoke(main, ["export", "slice_chair", *args, "--out", str(tmp_path / "x.zip")])
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output
    assert list(tmp_path.iterdir()) == []


def test_output_folder_must_exist(tmp_path):
    result = CliRunner().invoke(main, ["export", "slice_chair", "--machine", "cnc-router-6mm",
                                       "--out", str(tmp_path / "missing" / "x.zip")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text, field", [
    ("machines:\n  my-laser:\n    kind: laser\n    bed: [600, 400]\n    kerf: 0.2\n", "spacing"),
    ("materials:\n  my-ply:\n    density: 600\n    modulus_along: 5000\n    modulus_across: 2500\n"
     "    strength_along: 40\n", "strength_across"),
])
@pytest.mark.parametrize("command", ["export", "machines", "materials"])
def test_profile_file_with_a_missing_field_names_field_and_file(tmp_path, text, field, command):
    bad = tmp_path / "shop.yaml"
    bad.write_text(text)
    args = {"export": ["export", "slice_chair", "--machine", "cnc-router-6mm", "--out", str(tmp_path / "x.zip")],
            "machines": ["machines"], "materials": ["materials"]}[command]
    result = CliRunner().invoke(main, [*args, "--profiles", str(bad)])
    assert result.exit_code == 2, result.output
    assert "missing" in result.output and field in result.output and str(bad) in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.yaml"]


@pytest.mark.parametrize("fields, words", [
    ("tool_diameter: 6\n    spacing: 4\n    margin: 10", "narrower than the bit"),
    ("tool_diameter: 6\n    spacing: 10\n    margin: 3", "at least half the spacing"),
])
def test_router_gaps_the_bit_cannot_pass_are_refused(tmp_path, fields, words):
    shop = tmp_path / "shop.yaml"
    shop.write_text("machines:\n  tight:\n    kind: router\n    bed: [1000, 600]\n    " + fields +
                    "\n    feed: 3000\n    depth_per_pass: 6\n    pierce_time: 2\n")
    result = CliRunner().invoke(main, ["machines", "--profiles", str(shop)])
    assert result.exit_code == 2 and words in result.output and "tight" in result.output


def test_user_profiles_extend_the_lists(tmp_path):
    shop = tmp_path / "shop.yaml"
    shop.write_text("machines:\n  my-laser:\n    kind: laser\n    bed: [600, 400]\n    kerf: 0.18\n    spacing: 3\n"
                    "    margin: 8\n    speed: {3: 12}\n    pierce_time: 0.4\n    svg_colours: ponoko\n")
    result = CliRunner().invoke(main, ["machines", "--json", "--profiles", str(shop)])
    machines = {m["name"]: m for m in json.loads(result.output)}
    assert machines["my-laser"]["colours"]["cut"] == "#0000FF" and "cnc-router-eighth-inch" in machines
    assert {3.175, 6.0, 6.35} <= {m["tool_diameter"] for m in machines.values() if m["kind"] == "router"}
    table = CliRunner().invoke(main, ["machines"]).output.splitlines()
    assert table[0].split()[:3] == ["name", "kind", "bed"] and any("co2-laser-60w" in row for row in table)
    mats = json.loads(CliRunner().invoke(main, ["materials", "--json"]).output)
    assert {m["name"] for m in mats} >= {"birch-ply", "mdf", "acrylic"}
    assert "birch-ply" in CliRunner().invoke(main, ["materials"]).output


def test_time_fields_default_by_kind_and_a_profile_overrides_them():
    from fabrication.machines import DEFAULT_MOTION, machines_from_mapping
    from parametric.errors import ProfileError

    router = {"kind": "router", "bed": [1000, 1000], "tool_diameter": 6, "spacing": 10, "margin": 15, "feed": 3000,
              "depth_per_pass": 6, "pierce_time": 2}
    m = machines_from_mapping({"r": router}, "t.yaml")["r"]
    assert (m.rapid, m.lead_in, m.tool_change) == tuple(DEFAULT_MOTION["router"][k]
                                                        for k in ("rapid", "lead_in", "tool_change"))
    assert m.engrave_speed == 3000 / 60  # a router engraves at its feed
    m = machines_from_mapping({"r": {**router, "rapid": 250, "tool_change": 5}}, "t.yaml")["r"]
    assert (m.rapid, m.tool_change) == (250, 5)
    with pytest.raises(ProfileError, match="rapid 0 must be above 0"):
        machines_from_mapping({"r": {**router, "rapid": 0}}, "t.yaml")
