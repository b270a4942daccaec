"""Off-screen renders with the seated figure: a ghost behind the product and a faint veil in front of it, so
every product pixel keeps the product's colour where the figure overlaps it; one camera for every shot of a
plotter, each shot rendered anew."""

from __future__ import annotations

import numpy as np
import pytest

from models.slice_chair import SliceChair
from parametric.render import FIGURE_VIEW

pytest.importorskip("pyvista")


def wood(img: np.ndarray) -> np.ndarray:
    """The product's pixels: warm wood tones (red well above blue); the figure is a pale blue-grey."""
    return (img[..., 0].astype(int) - img[..., 2].astype(int)) > 30


def warm(img: np.ndarray) -> np.ndarray:
    """Pixels still reading as wood, if tinted: red above blue (white background: equal; the figure: below)."""
    return img[..., 0].astype(int) > img[..., 2].astype(int)


def drawn(img: np.ndarray) -> np.ndarray:
    """Anything but the white background."""
    return (img < 250).any(axis=-1)


def test_the_figure_is_a_ghost_behind_the_product_that_hides_none_of_it():
    from parametric.render import render_images

    design = SliceChair.design(preset="dining")
    plain, seated, alone = render_images(design, [(None, None, ()), (None, None, None), ([], None, None)],
                                         view=FIGURE_VIEW, size=(320, 240), figure="man-p50")
    product, figure = wood(plain), drawn(alone)
    assert product.sum() > 2000 and figure.sum() > 4000 and not wood(alone).any()
    overlap = product & figure  # where the figure lies behind or in front of the chair in this view
    assert overlap.sum() > 500, "the view should put the figure over the chair somewhere"
    # the chair is drawn over the figure, which only tints it where it sits in front: wood there still (an
    # opaque figure left 3 % of these pixels warm), and the rest of the chair exactly as without the figure
    assert warm(seated)[overlap].mean() > 0.98
    assert not np.array_equal(seated[overlap], plain[overlap])  # tinted: the thighs are on the seat
    same = np.abs(seated.astype(int) - plain.astype(int)).max(axis=-1) <= 8
    assert same[product & ~figure].mean() > 0.98
    # and the figure shows around the chair: the picture changed where only the figure is
    assert (~same[figure & ~product]).mean() > 0.95
    assert drawn(seated)[figure].all()


def test_each_shot_is_rendered_anew():
    from parametric.render import render_images

    design = SliceChair.design(preset="dining")
    first = design.parts[0].name
    one, whole = render_images(design, [([first], None), (None, None)], size=(160, 120))
    assert drawn(one).sum() < drawn(whole).sum() / 2  # one rib, then the whole chair


def test_the_figure_changes_the_picture_and_a_design_without_a_seat_is_drawn_without_it():
    from parametric import build_design
    from parametric.render import render_images

    chair = SliceChair.design(preset="dining")
    (plain,), (seated,) = (render_images(chair, [(None, None)], view=FIGURE_VIEW, size=(160, 120), figure=f)
                           for f in (None, ("man-p50", "woman-p5")))
    assert (plain != seated).any(axis=-1).sum() > 1000
    shelf = build_design("bookshelf")
    (a,), (b,) = (render_images(shelf, [(None, None)], size=(160, 120), figure=f) for f in (None, "man-p50"))
    assert np.array_equal(a, b)


def test_a_chair_drawn_in_an_svg_file_is_pictured_with_its_figure(tmp_path):
    """``side_outline=@file.svg``: the drawn chair declares its seat, so renders and the guide's page seat the
    figure on it like on a preset."""
    from pathlib import Path

    from fabrication.export.pdf import fit_page
    from parametric.render import render_images

    svg = Path(__file__).resolve().parents[2] / "samples" / "profiles" / "dining_side.svg"
    drawn = SliceChair.design(SliceChair.params(side_outline=f"@{svg}"))
    assert drawn.seat is not None and drawn.seat.figures
    plain, seated = render_images(drawn, [(None, None, ()), (None, None, None)], view=FIGURE_VIEW, size=(240, 180),
                                  figure=drawn.seat.figures[0])
    assert wood(plain).sum() > 1000 and warm(seated)[wood(plain)].mean() > 0.98
    assert ((seated[..., 2].astype(int) - seated[..., 0].astype(int)) > 20).sum() > 1500  # the figure
    page = fit_page(drawn, (320, 240))
    assert len(page.axes) == len(drawn.seat.figures)
