"""Every ANSUR II, EN 1729-1 and Winter number in parametric/figure.py equals its source, typed here from the
source by hand (nothing parsed): a changed constant, or a transposed column, fails by name."""

from __future__ import annotations

import pytest

from parametric.figure import (
    ANSUR,
    EN1729,
    FIGURES,
    SEGMENT_MASS,
    SHOE_MM,
    STATURE_FRACTION,
)

#: /work/shared/docs/fabrication-reference.md section 4, "Anthropometry for fit checks: ANSUR II", the
#: table's rows (women p5, p50, men p50, p95 columns; the code does not use women p95 or men p5)
REFERENCE_ANSUR = {
    "poplitealheight": {"woman-p5": 350, "woman-p50": 387, "man-p50": 430, "man-p95": 471},
    "buttockpopliteallength": {"woman-p5": 441, "woman-p50": 483, "man-p50": 502, "man-p95": 548},
    "buttockkneelength": {"woman-p5": 541, "woman-p50": 589, "man-p50": 617, "man-p95": 669},
    "hipbreadthsitting": {"woman-p5": 348, "woman-p50": 397, "man-p50": 378, "man-p95": 431},
    "sittingheight": {"woman-p5": 803, "woman-p50": 857, "man-p50": 918, "man-p95": 977},
    "kneeheightsitting": {"woman-p5": 469, "woman-p50": 510, "man-p50": 553, "man-p95": 602},
    "thighclearance": {"woman-p5": 145, "woman-p50": 167, "man-p50": 180, "man-p95": 207},
    "stature": {"woman-p5": 1525, "woman-p50": 1626, "man-p50": 1755, "man-p95": 1870},
    "weightkg / 10": {"woman-p5": 51, "woman-p50": 67, "man-p50": 85, "man-p95": 111},
}
#: the Body field each ANSUR II column fills
FIELDS = {"poplitealheight": "popliteal", "buttockpopliteallength": "buttock_popliteal",
          "buttockkneelength": "buttock_knee", "hipbreadthsitting": "hip_breadth", "sittingheight": "sitting_height",
          "kneeheightsitting": "knee_height", "thighclearance": "thigh_clearance", "stature": "stature",
          "weightkg / 10": "mass"}
#: the same section: "barefoot, so add about 25 mm shoe allowance"
REFERENCE_SHOE_MM = 25
#: the same section, "Children: EN 1729-1": size marks 1-4, seat height (mm) and stature range (mm)
REFERENCE_EN1729 = {1: (260, (930, 1160)), 2: (310, (1080, 1210)), 3: (350, (1190, 1420)), 4: (380, (1330, 1590))}
#: NOT in fabrication-reference.md (it has no segment data): Winter, Biomechanics and Motor Control of Human
#: Movement (4th ed. 2009), table 4.1 (Dempster): segment mass / body mass, centre of mass from the proximal end
WINTER_TABLE_4_1 = {"hand": (0.006, 0.506), "forearm": (0.016, 0.430), "upper_arm": (0.028, 0.436),
                    "foot": (0.0145, 0.50), "shank": (0.0465, 0.433), "thigh": (0.100, 0.433),
                    "trunk": (0.497, 0.50), "head": (0.081, None)}  # head and neck: centre at the ear canal
#: the same book, fig. 3.1 (Drillis & Contini): segment lengths / stature; the trunk is hip (greater
#: trochanter, 0.530 H) to shoulder (glenohumeral joint, 0.818 H)
WINTER_FIG_3_1 = {"upper_arm": 0.186, "forearm": 0.146, "hand": 0.108, "foot": 0.152, "ankle": 0.039,
                  "shoulders": 0.259, "trunk": 0.818 - 0.530}


@pytest.mark.parametrize("column", REFERENCE_ANSUR)
def test_ansur_ii_percentiles_equal_the_reference(column):
    field = FIELDS[column]
    for name, value in REFERENCE_ANSUR[column].items():
        assert getattr(FIGURES[name], field) == value, f"{name} {column}"
    assert set(ANSUR) == set(REFERENCE_ANSUR[column])


def test_the_shoe_allowance_equals_the_reference():
    assert SHOE_MM == REFERENCE_SHOE_MM


def test_en_1729_size_marks_equal_the_reference_and_each_child_has_its_mark_s_middle_stature():
    assert {mark: (seat, rng) for mark, (rng, seat) in EN1729.items()} == REFERENCE_EN1729
    for mark, (_, (lo, hi)) in REFERENCE_EN1729.items():
        assert FIGURES[f"child-{mark}"].stature == (lo + hi) / 2


def test_winter_segment_masses_and_lengths_equal_the_book():
    assert SEGMENT_MASS == WINTER_TABLE_4_1
    assert STATURE_FRACTION == pytest.approx(WINTER_FIG_3_1, abs=1e-12)
    # the segments the figure is made of add up to the whole body (two of each limb segment)
    limbs = sum(WINTER_TABLE_4_1[s][0] for s in ("hand", "forearm", "upper_arm", "foot", "shank", "thigh"))
    assert 2 * limbs + WINTER_TABLE_4_1["trunk"][0] + WINTER_TABLE_4_1["head"][0] == pytest.approx(1.0)
