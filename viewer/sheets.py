"""The viewer's sheets tab: the nested sheets drawn to scale, each part hoverable (it highlights in 3D)."""

from __future__ import annotations

from ._qt import QtCore, QtGui, QtWidgets


def draw_sheets(view, sheets, highlight) -> None:
    """Draw ``sheets`` (:class:`fabrication.layout.SheetLayout`) into the ``QGraphicsView``, one above the
    other with their parts labelled; hovering a part calls ``highlight(name)`` (``None`` on leaving)."""
    scene = view.scene()
    scene.clear()
    pen = QtGui.QPen(QtGui.QColor("red"))
    pen.setCosmetic(True)
    for k, sheet in enumerate(sheets):
        dy = k * (sheet.height + 100)
        scene.addRect(0, dy, sheet.width, sheet.height, QtGui.QPen(QtGui.QColor("grey")))
        for placed in sheet.placed:
            poly = QtGui.QPolygonF([QtCore.QPointF(x, dy + sheet.height - y) for x, y in placed.outline.exterior.coords])
            item = _SheetPart(poly, placed.part.name, highlight)
            item.setPen(pen)
            item.setBrush(QtGui.QBrush(QtGui.QColor("#f3e3c8")))
            item.setToolTip(f"{placed.part.label} ({placed.part.name})")
            scene.addItem(item)
            text = scene.addSimpleText(placed.part.label)
            c = placed.outline.representative_point()
            text.setPos(c.x, dy + sheet.height - c.y)
            text.setScale(4.0)
        label = scene.addText(f"sheet {sheet.index}: {sheet.utilisation:.0%} used")
        label.setPos(0, dy - 40)
    view.fitInView(scene.itemsBoundingRect(), QtCore.Qt.KeepAspectRatio)


class _SheetPart(QtWidgets.QGraphicsPolygonItem):
    """A part on a sheet; hovering it highlights the part in 3D."""

    def __init__(self, polygon, name: str, highlight):
        super().__init__(polygon)
        self.name, self._highlight = name, highlight
        self.setAcceptHoverEvents(True)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self._highlight(self.name)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._highlight(None)
