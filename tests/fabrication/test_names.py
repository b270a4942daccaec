"""Bundle names carry every option that changes the files; the README's rebuild line rebuilds the same
bundle; a part too large for a machine names itself, both sizes and the machines that fit it."""

from __future__ import annotations

import re
import shlex
import zipfile
from dataclasses import replace

import pytest
from click.testing import CliRunner

from fabrication.export.bundle import fabricate
from fabrication.export.naming import ExportOptions, bundle_name
from fabrication.machines import get_machine, load_machines
from d4d_cad.cli import main
from parametric.errors import FabricationError
from parametric.materials import get_material

LASER_CHAIR = ["slice_chair", "--preset", "kids", "--set", "thickness=6.4", "--set", "rib_depth=60", "--set",
               "slat_depth=40", "--machine", "co2-laser-60w"]


def _export(args, out):
    result = CliRunner().invoke(main, ["export", *args, "--out", f"{out}/"])
    assert result.exit_code == 0, result.output
    return result


def test_every_file_changing_option_changes_the_name(laser_chair):
    machine, material = get_machine("co2-laser-60w"), get_material("birch-ply")
    base = ExportOptions()
    variants = [base, replace(base, unit="in"), replace(base, compensate_kerf=False), replace(base, labels="none"),
                replace(base, holding_tabs=True), replace(base, layout="rows"), replace(base, cost_by="area"),
                replace(base, nest_rounds=base.nest_rounds + 1)]
    names = [bundle_name(laser_chair, machine, material, v) for v in variants]
    assert len(set(names)) == len(variants)
    assert all(n.startswith(f"{laser_chair.slug}-co2-laser-60w-birch-ply-6.4mm-") for n in names)
    assert re.fullmatch(r"[0-9a-f]{6}", names[0].rsplit("-", 1)[1])
    # the same export twice: the same name; only the search's time limit differs (a guard, not its work):
    # the same name; rows take no search, so their rounds change nothing
    assert bundle_name(laser_chair, machine, material, ExportOptions()) == names[0]
    assert bundle_name(laser_chair, machine, material, replace(base, nest_time=9.0)) == names[0]
    assert bundle_name(laser_chair, machine, material, replace(base, layout="rows", nest_rounds=7)) == names[5]
    # the relief changes a router's files, not a laser's; kerf compensation a laser's, not a router's
    router = get_machine("cnc-router-6mm")
    assert bundle_name(laser_chair, machine, material, replace(base, relief="tbone")) == names[0]
    assert bundle_name(laser_chair, router, material, replace(base, relief="tbone")) != \
        bundle_name(laser_chair, router, material, base)
    assert bundle_name(laser_chair, router, material, replace(base, compensate_kerf=False)) == \
        bundle_name(laser_chair, router, material, base)
    # a user profile that keeps the shipped name but another kerf (or price) makes other files: another name
    assert bundle_name(laser_chair, replace(machine, kerf=0.25), material, base) != names[0]
    assert bundle_name(laser_chair, machine, replace(material, price_per_m2=99.0, prices=()), base) != names[0]


def test_two_exports_that_shared_a_name_now_differ_and_the_readme_rebuilds_the_same_bundle(tmp_path):
    out = tmp_path / "bundles"
    _export([*LASER_CHAIR, "--layout", "rows"], out)
    options = ["--layout", "rows", "--unit", "in", "--labels", "none", "--no-kerf", "--cost-by", "area",
               "--nest-rounds", "7", "--nest-time", "3"]
    _export([*LASER_CHAIR, *options], out)
    zips = sorted(out.glob("*.zip"))
    assert len(zips) == 2, zips  # before, both were slice_chair-<hash>.zip and the second replaced the first
    assert len({z.name.rsplit("-", 1)[0] for z in zips}) == 1  # they differ only by the options digest
    (other,) = [z for z in zips if _readme(z).count("--unit in")]
    readme = _readme(other)
    line = re.search(r"`(d4d export [^`]*)`", readme).group(1)
    for words in ("--machine co2-laser-60w", "--material birch-ply", "--relief auto", "--unit in", "--layout rows",
                  "--nest-rounds 7", "--nest-time 3", "--labels none", "--cost-by area", "--no-kerf", "--params params.json"):
        assert words in line, (words, line)
    assert "--holding-tabs" not in line
    assert "labels none" in readme and "DXF unit in" in readme and "kerf not compensated" in readme
    # run the rebuild line back, from a folder holding the bundle's params.json
    rebuild = tmp_path / "rebuild"
    rebuild.mkdir()
    with zipfile.ZipFile(other) as zf:
        (rebuild / "params.json").write_bytes(zf.read(f"{other.stem}/params.json"))
    argv = shlex.split(line)[1:]
    assert argv[-2:] == ["--out", "."]
    argv = [*argv[:-1], f"{rebuild}/"]
    argv[argv.index("params.json")] = str(rebuild / "params.json")
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 0, result.output
    assert [z.name for z in rebuild.glob("*.zip")] == [other.name]


def _readme(zpath) -> str:
    with zipfile.ZipFile(zpath) as zf:
        return zf.read(f"{zpath.stem}/README.md").decode()


def test_a_part_too_large_names_itself_both_sizes_and_the_machines_that_fit_it():
    from parametric import build_design

    design = build_design("slice_chair", preset="kids", thickness=3.8, rib_depth=60, slat_depth=40)
    material = get_material("birch-ply")
    with pytest.raises(FabricationError) as err:
        fabricate(design, get_machine("diode-laser-10w"), material, checks=False, layout="rows")
    message = str(err.value)
    rib = design.part("rib-1")
    assert re.search(r"part rib-1 \(R1\) is \d+ x \d+ mm, larger than the 380 x 380 mm diode-laser-10w can use",
                     message), message
    assert "turn" not in message  # no rotation is suggested: none would help
    listed = message.split("machine profiles that fit it: ")[1].split(", ")
    assert listed and "diode-laser-10w" not in listed
    # every listed machine lays it out (a router may still refuse a slot narrower than its bit: another
    # matter), and every unlisted one that takes the thickness refuses it for its size
    for name, machine in sorted(load_machines().items()):
        if name == "diode-laser-10w" or machine.max_thickness < rib.thickness:
            continue
        if name in listed:
            try:
                fabricate(design, machine, material, checks=False, layout="rows")
            except FabricationError as exc:
                assert "larger than" not in str(exc) and "does not fit" not in str(exc), (name, str(exc))
        else:
            with pytest.raises(FabricationError, match="larger than"):
                fabricate(design, machine, material, checks=False, layout="rows")
