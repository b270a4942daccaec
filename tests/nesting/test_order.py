"""Orders of several designs nested together (``d4d_cad/order.py``, ``d4d nest A:4 B``)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from shapely.geometry import box

from fabrication.layout import nest_layout
from d4d_cad.cli import main
from d4d_cad.order import OrderError, OrderLine, combine, parse_line, sheet_lower_bound, split_model
from parametric.errors import FabricationError
from parametric.part import FlatPart


def part(name, w, h, thickness=12.0, quantity=1):
    return FlatPart(name, box(0, 0, w, h), thickness, quantity=quantity)


@pytest.mark.parametrize(("text", "source", "count"), [
    ("slice_chair:4", "slice_chair", 4), ("table", "table", 1), ("table/coffee:2", "table/coffee", 2),
    ("parts.dxf:in", "parts.dxf:in", 1), ("parts.dxf:in#CUT:3", "parts.dxf:in#CUT", 3),
])
def test_an_order_line_is_a_source_and_a_count(text, source, count):
    assert parse_line(text) == OrderLine(source, count)


@pytest.mark.parametrize("text", ["chair:0", "chair:5000", "  "])
def test_bad_order_lines_are_refused(text):
    with pytest.raises(OrderError, match="count|empty"):
        parse_line(text)


def test_labels_and_presets():
    assert OrderLine("table/coffee").label == "table-coffee"
    assert OrderLine("out/design.json").label == "out"  # a design folder's own file: named by its folder
    assert OrderLine("chairs/tall.json").label == "tall" and OrderLine("params.json").label == "params"
    assert OrderLine("parts.dxf:in#CUT").label == "parts"
    assert split_model("table/coffee") == ("table", "coffee") and split_model("stool") == ("stool", None)


def test_combine_multiplies_and_keeps_names_apart():
    chair = [part("seat", 400, 400), part("leg", 50, 400, quantity=4)]
    table = [part("seat", 900, 600)]  # the same part name in another design
    parts = combine([(OrderLine("chair", 3), chair), (OrderLine("table"), table), (OrderLine("chair"), chair)])
    assert [(p.name, p.quantity) for p in parts] == [("chair/seat", 3), ("chair/leg", 12), ("table/seat", 1),
                                                    ("chair-2/seat", 1), ("chair-2/leg", 4)]
    assert combine([(OrderLine("chair"), chair)]) == chair  # one design, one copy: names unchanged


def test_combine_refuses_mixed_materials():
    with pytest.raises(OrderError, match="12 mm birch-ply, 18 mm birch-ply"):
        combine([(OrderLine("a"), [part("x", 10, 10)]), (OrderLine("b"), [part("y", 10, 10, thickness=18.0)])])


def test_sheet_lower_bound():
    parts = [part("p", 1000, 1000, quantity=5)]  # 5 m^2 on 1.1 x 1.1 m usable sheets: 4.13 -> 5
    assert sheet_lower_bound(parts, 1200, 1200, 50) == 5
    assert sheet_lower_bound(parts, 1200, 1200, 50, offcut_area=1.0e6) == 4
    with pytest.raises(FabricationError, match="no room"):
        sheet_lower_bound(parts, 100, 100, 50)


def test_a_multi_product_order_uses_the_area_lower_bound_of_sheets():
    """Four stools and a coffee table share one sheet: the area lower bound, reached and validated
    (``nest_layout`` runs the independent shapely checker)."""
    from parametric.registry import get_model

    order = [(OrderLine("stool", 4), get_model("stool").design().parts),
             (OrderLine("table/coffee"), get_model("table").design(preset="coffee").parts)]
    parts = combine(order)
    bound = sheet_lower_bound(parts, 2440, 1220, 15)
    sheets = nest_layout(parts, 2440, 1220, spacing=10, margin=15, time_limit=120, max_rounds=30,
                         thickness=parts[0].thickness)
    assert len(sheets) == bound
    placed = sorted(p.part.name for s in sheets for p in s.placed)
    assert placed == sorted(p.name for p in parts for _ in range(p.quantity))
    assert sum(name.startswith("stool/") for name in placed) == 4 * len(get_model("stool").design().parts)


def test_d4d_nest_takes_an_order(tmp_path):
    out = tmp_path / "order"
    result = CliRunner().invoke(main, ["nest", "stool:2", "table/coffee", "--out", str(out), "--rounds", "2",
                                       "--time", "120"])
    assert result.exit_code == 0, result.output
    layout = json.loads((out / "layout.json").read_text())
    assert layout["order"] == [{"source": "stool", "count": 2}, {"source": "table/coffee", "count": 1}]
    assert layout["sheet_lower_bound"] == 1 and "area lower bound 1" in result.output
    names = {n for s in layout["sheets"] for n in s["parts"]}
    assert any(n.startswith("stool/") for n in names) and any(n.startswith("table-coffee/") for n in names)
    pieces = sum(len(s["parts"]) for s in layout["sheets"])  # every piece cut, not the distinct parts
    assert pieces > len(names) and f"nesting {pieces} parts (" in result.output
    assert re.search(rf"^{pieces} parts \([0-9.]+ m\^2\) on ", result.output, re.M), result.output
    assert "refill" not in result.output  # nothing above the bound to refill: no hint


def test_d4d_nest_says_when_the_refill_ran_out_of_time(tmp_path, monkeypatch):
    """Above the area bound, a refill cut short by --time is said, with the way out (a stand-in
    refill that finds no time: a real one's speed would make the test depend on the machine)."""
    from fabrication.nesting import api

    monkeypatch.setattr(api, "refill", lambda *args, **kwargs: None)
    result = CliRunner().invoke(main, ["nest", "slice_chair:2", "--sheet", "1220x1220", "--out", str(tmp_path / "o"),
                                       "--time", "1"])
    assert result.exit_code == 0, result.output
    assert "the refill" in result.output and "a longer --time than 1 s may save a sheet" in result.output


@pytest.mark.parametrize(("args", "words"), [
    (["nest", "chiar:2"], "neither a file nor a model"),
    (["nest", "table/huge"], "no preset 'huge'"),
    (["nest", "stool:0"], "1 to 1000"),
    (["nest", "stool", "box/open-tray"], "mixes sheet materials"),
])
def test_d4d_nest_refuses_a_bad_order(tmp_path, args, words):
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and words in result.output, result.output
    assert not (tmp_path / "x").exists()


def test_export_copies_nest_and_count_every_part_that_many_times():
    """``fabricate(copies=3)``: three of each part on the sheets and in the BOM; a single copy keeps
    the bundle name it always had, three copies get their own, and the rebuild command says so."""
    from fabrication.export.bundle import fabricate
    from fabrication.export.naming import ExportOptions, bundle_name, rebuild_command
    from fabrication.machines import get_machine
    from parametric.materials import get_material
    from parametric.registry import get_model

    design = get_model("stool").design()
    router, birch = get_machine("cnc-router-6mm"), get_material("birch-ply")
    one = fabricate(design, router, birch, checks=False, nest_rounds=4, nest_time=60)
    three = fabricate(design, router, birch, checks=False, nest_rounds=4, nest_time=60, copies=3)
    placed = [sorted(p.part.name for s in fab.sheets for p in s.placed) for fab in (one, three)]
    assert placed[1] == sorted(placed[0] * 3)
    assert [r.quantity * 3 for r in one.bom.rows] == [r.quantity for r in three.bom.rows]
    assert bundle_name(design, router, birch, ExportOptions(nest_rounds=4)) == bundle_name(design, router, birch,
                                                                                         one.options)
    assert bundle_name(design, router, birch, three.options) != bundle_name(design, router, birch, one.options)
    assert "--copies 3" in rebuild_command(design, router, birch, three.options)
    assert "3 copies nested together" in three.options.text(router=True)
    for bad in (0, 1001, 2.5, True):
        with pytest.raises(FabricationError, match="copies must be a whole number"):
            fabricate(design, router, birch, checks=False, copies=bad)


def test_a_bundle_is_laid_out_by_its_rounds_not_by_the_clock():
    """An export's nesting is bounded by its improvement rounds (``ExportOptions.nest_rounds``, in the
    bundle's name); its time limit is only a guard, so two limits both far above what the rounds
    take give the same sheets (with a 2 s limit and 400 rounds, 2 s and 3 s gave two layouts)."""
    from fabrication.export.bundle import fabricate
    from fabrication.machines import get_machine
    from parametric.materials import get_material
    from parametric.registry import get_model

    design = get_model("slice_chair").design()
    router, birch = get_machine("cnc-router-6mm"), get_material("birch-ply")
    a, b = (fabricate(design, router, birch, checks=False, nest_time=t) for t in (60.0, 600.0))
    assert [[(p.part.name, p.x, p.y, p.rotation) for p in s.placed] for s in a.sheets] == \
        [[(p.part.name, p.x, p.y, p.rotation) for p in s.placed] for s in b.sheets]


def test_an_order_of_interlocking_parts_is_exported_on_a_sheet_fewer():
    """The furniture bar's order (4 slice chairs and a table) on the router's sheets: the sheet search
    sets the chairs' ribs side by side on 4; at the export's rounds the refill that follows turns
    them into each other, on 3 (the area bound is 2)."""
    from fabrication.export.orderbundle import OrderItem, fabricate_order
    from fabrication.machines import get_machine
    from parametric.materials import get_material
    from parametric.registry import get_model

    items = [OrderItem("slice_chair", get_model("slice_chair").design(), 4),
             OrderItem("table", get_model("table").design(), 1)]
    order = fabricate_order(items, get_machine("cnc-router-6mm"), get_material("birch-ply"), checks=False)
    assert len(order.sheets) == 3 and order.lower_bound == 2
    assert sum(len(s.placed) for s in order.sheets) == 72
