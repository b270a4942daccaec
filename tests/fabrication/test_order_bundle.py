"""Orders of several designs in one bundle (``d4d export stool:2 table/coffee``,
``fabrication/export/orderbundle.py``): read back from the zip, not trusted from memory."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter

import pytest
from click.testing import CliRunner
from ezdxf import path as ezpath
from shapely.geometry import Polygon

from d4d_cad.cli import main
from fabrication.export.arcfit import ARC_TOL
from fabrication.export.bundle import stock_size
from fabrication.export.naming import ExportOptions
from fabrication.export.orderbundle import OrderItem, check_items, design_codes, order_name
from fabrication.machines import get_machine
from fabrication.nesting import Stock, validate
from fabrication.nesting.api import NestResult, Placement, SheetResult
from fabrication.nesting.prepare import NestPart
from parametric.errors import FabricationError
from parametric.materials import get_material
from parametric.registry import get_model

ROUTER = "cnc-router-6mm"
ORDER = {"stool": (get_model("stool").design(), 2), "table-coffee": (get_model("table").design(preset="coffee"), 1)}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``d4d export stool:2 table/coffee``: (CLI output, the unzipped bundle folder)."""
    out = tmp_path_factory.mktemp("order")
    result = CliRunner().invoke(main, ["export", "stool:2", "table/coffee", "--machine", ROUTER, "--nest-time", "5",
                                       "--out", f"{out}/"])
    assert result.exit_code == 0, result.output
    (zip_path,) = out.glob("order-*.zip")
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(out)
    return result.output, out / zip_path.stem


def expected_parts():
    """``{part name on the sheet: (label, how many)}`` for the order, from the designs themselves."""
    codes = dict(zip(ORDER, design_codes(list(ORDER))))
    return {f"{label}/{p.name}": (f"{codes[label]}.{p.label}", p.quantity * count)
            for label, (design, count) in ORDER.items() for p in design.parts}


def sheet_contours(folder, read_dxf):
    """Per sheet DXF (audited): its outside cuts as (part name, label, polygon with its holes)."""
    sheets = []
    for path in sorted(folder.glob("sheet-*.dxf")):
        _, _, cuts = read_dxf(path)
        rings = [(e.get_xdata("D4D")[0].value, e.get_xdata("D4D")[1].value, e.dxf.layer,
                  Polygon([(v.x, v.y) for v in ezpath.make_path(e).flattening(0.001)])) for e in cuts]
        holes = [poly for _, _, layer, poly in rings if layer.startswith("CUT_INSIDE")]
        sheets.append([(name, label, Polygon(poly.exterior, [h.exterior for h in holes if poly.contains(h)]))
                       for name, label, layer, poly in rings if layer.startswith("CUT_OUTSIDE")])
    return sheets


def test_every_part_of_every_design_is_cut_its_number_of_times_with_its_design_label(exported, read_dxf):
    _, folder = exported
    found = [(name, label) for sheet in sheet_contours(folder, read_dxf) for name, label, _ in sheet]
    want = expected_parts()
    assert Counter(name for name, _ in found) == {name: n for name, (_, n) in want.items()}
    assert all(label == want[name][0] for name, label in found)
    assert {label.split(".")[0] for _, label in found} == {"STOOL", "TABLE"}


def test_the_read_back_sheets_pass_the_independent_shapely_checker(exported, read_dxf):
    """The written contours, not the engine's polygons: no overlap, the part gap kept and every part
    inside the margin (less the arc fitting's tolerance, which may move a contour out by up to it)."""
    _, folder = exported
    router = get_machine(ROUTER)
    stock = Stock(*stock_size(get_material("birch-ply"), router))
    parts, sheets = {}, []
    for sheet in sheet_contours(folder, read_dxf):
        placements = []
        for name, _, poly in sheet:
            key = f"{name}#{len(parts)}"
            parts[key] = NestPart(key, poly, 1)
            placements.append(Placement(key, 0, 0.0, 0.0, 0.0))
        sheets.append(SheetResult(stock, placements, 0.0, 0.0))
    result = NestResult(sheets, parts)
    assert validate.problems(result, spacing=router.spacing - 2 * ARC_TOL, margin=router.margin - ARC_TOL) == []


def read_bom(path):
    rows = list(csv.reader(io.StringIO(path.read_text())))
    return [r for r in rows[1:rows.index([])]], {r[0]: r[1:] for r in rows[rows.index([]) + 1:]}


def test_a_bom_per_design_and_one_for_the_order_and_the_lower_bound_said(exported):
    output, folder = exported
    want = expected_parts()
    rows, totals = read_bom(folder / "bom.csv")
    assert sum(int(r[3]) for r in rows) == sum(n for _, n in want.values())
    assert sorted(label for r in rows for label in r[2].split()) == sorted(label for label, _ in want.values())
    for label, (design, count) in ORDER.items():
        mine, _ = read_bom(folder / "designs" / label / "bom.csv")
        assert sum(int(r[3]) for r in mine) == count * sum(p.quantity for p in design.parts)
        assert all(lab.startswith(design_codes(list(ORDER))[list(ORDER).index(label)] + ".")
                   for r in mine for lab in r[2].split())
        assert {"params.json", "check.json", "README.md", f"{design.model}.step"} <= \
            {p.name for p in (folder / "designs" / label).iterdir()}
    readme = (folder / "README.md").read_text()
    assert "area lower bound of 1" in readme and "area lower bound 1" in output
    assert int(totals["total_sheets"][0]) >= 1
    assert "designs/stool/params.json:2 designs/table-coffee/params.json --machine" in readme


def test_design_codes_are_short_and_unique():
    assert design_codes(["stool", "table-coffee", "table", "slice_chair"]) == ["STOOL", "TABLE", "TABLE2", "SLICE"]


def test_order_names_follow_the_designs_and_counts():
    router, birch = get_machine(ROUTER), get_material("birch-ply")
    items = [OrderItem(label, design, count) for label, (design, count) in ORDER.items()]
    name = order_name(items, router, birch, ExportOptions())
    assert name.startswith("order-") and name == order_name(items, router, birch, ExportOptions())
    assert name != order_name([items[0], OrderItem("table-coffee", items[1].design, 2)], router, birch,
                              ExportOptions())


@pytest.mark.parametrize(("items", "words"), [
    ([], "no designs"),
    ([OrderItem("stool", get_model("stool").design()), OrderItem("stool", get_model("stool").design())], "unique"),
    ([OrderItem("a/b", get_model("stool").design())], "unique and made of"),
    ([OrderItem("stool", get_model("stool").design(), 0)], "from 1 to 1000"),
    ([OrderItem("stool", get_model("stool").design()),
      OrderItem("thin", get_model("stool").design({"thickness": 12}))], "mixes sheet thicknesses"),
])
def test_bad_orders_are_refused(items, words):
    with pytest.raises(FabricationError, match=words):
        check_items(items, get_machine(ROUTER))


@pytest.fixture
def no_work(monkeypatch):
    """Any export work (preparing toolpaths, nesting) fails the test."""
    import fabrication.export.bundle as bundle
    import fabrication.export.orderbundle as orderbundle

    def refuse(*args, **kwargs):
        raise AssertionError("work started before the input was checked")

    monkeypatch.setattr(orderbundle, "fabricate_order", refuse)
    monkeypatch.setattr(bundle, "fabricate", refuse)


@pytest.mark.parametrize(("args", "words"), [
    (["chiar:2", "table"], "neither a file nor a model"),
    (["stool:0", "table"], "1 to 1000"),
    (["stool", "table:1001"], "1 to 1000"),
    (["stool", "table/huge"], "no preset 'huge'"),
    (["stool", "table", "--preset", "coffee"], "choose one design's parameters"),
    (["stool:2", "--copies", "3"], "give it once"),
    (["stool", "table", "--copies", "3"], "give each line its count"),
    (["stool", "thin.json"], "mixes sheet thicknesses"),
])
def test_d4d_export_refuses_a_bad_order_before_any_work(tmp_path, monkeypatch, no_work, args, words):
    from parametric.paramfile import dump_params

    monkeypatch.chdir(tmp_path)
    thin = get_model("stool").design({"thickness": 12})
    (tmp_path / "thin.json").write_text(dump_params(thin.params, "json", thin.model_version))
    result = CliRunner().invoke(main, ["export", *args, "--machine", ROUTER, "--out", "out/"])
    assert result.exit_code == 2 and words in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_one_design_with_a_count_is_its_copies(monkeypatch, tmp_path):
    """``d4d export stool:3`` is ``d4d export stool --copies 3`` (the single-design bundle)."""
    import fabrication.export.bundle as bundle

    seen = []

    def fake(design, machine, material, out, **kwargs):
        seen.append((design.model, kwargs["copies"]))
        raise FabricationError("stop here")

    monkeypatch.setattr(bundle, "export_bundle", fake)
    for args in (["stool:3"], ["stool", "--copies", "3"]):
        result = CliRunner().invoke(main, ["export", *args, "--machine", ROUTER, "--out", f"{tmp_path}/"])
        assert result.exit_code == 2 and "stop here" in result.output
    assert seen == [("stool", 3), ("stool", 3)]
