"""``--labels hidden-face``: each label on the face hidden once assembled; back-face labels mirrored on
their own DXF layer (read back with ezdxf)."""

from __future__ import annotations

import ezdxf
import numpy as np
import pytest

from fabrication.export import bundle as bundle_mod
from fabrication.export.dxf import ENGRAVE, ENGRAVE_BACK
from fabrication.export.sheetwalk import sheet_label
from fabrication.faces import hidden_faces
from fabrication.lettering import strokes
from fabrication.machines import get_machine
from parametric import build_design
from parametric.materials import get_material


@pytest.fixture(scope="module")
def box():
    """The default box (lift-off lid: a lip glued under the lid panel)."""
    return build_design("box")


def _face_normal(part, face) -> np.ndarray:
    """World normal of the face a label is engraved on (+w for the front, -w for the back)."""
    return part.frame.normal * (-1.0 if face.back else 1.0)


def test_box_labels_go_on_the_inner_faces(box):
    faces = hidden_faces(box)
    parts = {p.name: p for p in box.parts}
    for name in ("front-0", "front-1", "side-0", "side-1"):
        part = parts[name]
        towards_axis = -np.asarray(part.frame.origin) * np.array([1.0, 1.0, 0.0])  # the box's vertical axis
        assert faces[name].rule == "inner"
        assert _face_normal(part, faces[name]) @ towards_axis > 0, name
    # the two walls of each pair face opposite ways, so exactly one of each pair is engraved from the back
    assert faces["front-0"].back != faces["front-1"].back and faces["side-0"].back != faces["side-1"].back
    assert faces["bottom"].rule == "underside" and _face_normal(parts["bottom"], faces["bottom"])[2] < -0.99
    # lid and lip are glued face to face: each hides the face touching the other
    lid, lip = parts["lid"], parts["lip"]
    assert faces["lid"].rule == faces["lip"].rule == "glued"
    assert _face_normal(lid, faces["lid"]) @ (np.asarray(lip.frame.origin) - lid.frame.origin) > 0
    assert _face_normal(lip, faces["lip"]) @ (np.asarray(lid.frame.origin) - lip.frame.origin) > 0


def test_plates_through_the_centre_show_both_faces_and_keep_the_front():
    stool = build_design("stool")
    faces = hidden_faces(stool)
    legs = [p.name for p in stool.parts if p.role == "leg"]
    assert legs and all(faces[n] == ("front", "none") for n in legs)
    assert faces["seat"] == ("back", "underside")


def test_mirror_reflects_across_the_text_centre_line():
    for angle in (0.0, 90.0, 30.0):
        plain = strokes("FR7", 10.0, 5.0, 6.0, angle)
        mirrored = strokes("FR7", 10.0, 5.0, 6.0, angle, mirror=True)
        a = np.radians(angle)
        along = np.array([np.cos(a), np.sin(a)])  # reading direction: reflect its component about the centre
        for p, m in zip(plain, mirrored):
            d = np.asarray(p) - (10.0, 5.0)
            reflected = np.asarray(p) - 2 * np.outer(d @ along, along)
            assert np.allclose(reflected, m, atol=1e-9)
        assert not np.allclose(np.vstack(plain), np.vstack(mirrored))  # "FR7" is not symmetric


@pytest.mark.parametrize("machine", ["co2-laser-60w", "cnc-router-6mm"])
def test_back_labels_are_mirrored_on_their_own_layer(box, machine, tmp_path):
    mach = get_machine(machine)
    design = box if not mach.is_router else build_design("box", preset="6mm-ply")
    fab = bundle_mod.fabricate(design, mach, get_material("birch-ply"), checks=False, layout="rows",
                               labels="hidden-face")
    faces = hidden_faces(design)
    bundle_mod.write_cut_files(fab, tmp_path)
    seen = {ENGRAVE: set(), ENGRAVE_BACK: set()}
    for sheet in fab.sheets:
        doc = ezdxf.readfile(tmp_path / f"sheet-{sheet.index:02d}.dxf")
        assert not doc.audit().has_errors
        by_part: dict[tuple[str, str], list[np.ndarray]] = {}
        for e in doc.modelspace().query(f"LWPOLYLINE[layer=='{ENGRAVE}' | layer=='{ENGRAVE_BACK}']"):
            name = e.get_xdata("D4D")[0].value
            by_part.setdefault((e.dxf.layer, name), []).append(np.asarray([(v[0], v[1]) for v in e.get_points()]))
        for placed in sheet.placed:
            name = placed.part.name
            label = sheet_label(placed, fab.cut_parts[name])
            if label is None:
                continue
            layer, other = (ENGRAVE_BACK, ENGRAVE) if faces[name].back else (ENGRAVE, ENGRAVE_BACK)
            assert (layer, name) in by_part and (other, name) not in by_part
            seen[layer].add(name)
            drawn = by_part[(layer, name)]
            plain = [np.asarray(s) for s in strokes(label.text, label.x, label.y, label.height, label.angle)]
            if layer == ENGRAVE_BACK:  # reflect the drawn strokes back across the text's centre line
                a = np.radians(label.angle)
                along = np.array([np.cos(a), np.sin(a)])
                drawn = [s - 2 * np.outer((s - (label.x, label.y)) @ along, along) for s in drawn]
            assert len(drawn) == len(plain)
            for s, p in zip(drawn, plain):
                assert np.allclose(s, p, atol=1e-6), name
    labelled = {n for n, c in fab.cut_parts.items() if c.label is not None}
    assert seen[ENGRAVE_BACK] == {n for n in labelled if faces[n].back} and seen[ENGRAVE_BACK]
    assert seen[ENGRAVE] == {n for n in labelled if not faces[n].back}
    svg = (tmp_path / "sheet-01.svg").read_text()
    assert ('<g id="engrave-back"' in svg) == any(faces[p.part.name].back for p in fab.sheets[0].placed)


def test_engrave_keeps_every_label_on_the_front(box):
    fab = bundle_mod.fabricate(box, get_machine("co2-laser-60w"), get_material("birch-ply"), checks=False,
                               layout="rows")
    assert all(not c.label.back for c in fab.cut_parts.values() if c.label is not None)
    ops = [op for ops in fab.operations() for op in ops if op.kind == "engrave"]
    assert ops and not any(op.back for op in ops)


def test_hidden_face_through_the_cli_readme_and_rebuild_command(box):
    from click.testing import CliRunner

    from fabrication.export.naming import ExportOptions, readme, rebuild_command
    from fabrication.export.pdf import assembly_steps
    from d4d_cad.cli import main

    assert "hidden-face" in CliRunner().invoke(main, ["export", "--help"]).output
    fab = bundle_mod.fabricate(box, get_machine("co2-laser-60w"), get_material("birch-ply"), checks=False,
                               layout="rows", labels="hidden-face")
    options = ExportOptions(labels="hidden-face")
    text = readme(box, fab.machine, fab.material, fab.stock, fab.bom, assembly_steps(box), None, options, "x")
    assert "`ENGRAVE_BACK`" in text and "mirrored" in text and "hidden once the product is assembled" in text
    assert "--labels hidden-face" in rebuild_command(box, fab.machine, fab.material, options)
