"""The profile tab: drag the control points of a profile-driven product's side and watch it follow."""

from __future__ import annotations

from ._qt import QtCore, QtGui, QtWidgets

RADIUS = 9.0


class _Handle(QtWidgets.QGraphicsEllipseItem):
    def __init__(self, editor, index: int, x: float, y: float):
        super().__init__(-RADIUS, -RADIUS, 2 * RADIUS, 2 * RADIUS)
        self.editor, self.index = editor, index
        self.setPos(x, y)
        self.setBrush(QtGui.QBrush(QtGui.QColor("#2a6fdb")))
        self.setFlag(QtWidgets.QGraphicsItem.ItemIsMovable, True)
        self.setCursor(QtCore.Qt.OpenHandCursor)
        self.start = QtCore.QPointF(x, y)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.start = self.pos()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        delta = self.pos() - self.start
        self.editor.point_moved(self.index, delta.x(), -delta.y())


class ProfileEditor(QtWidgets.QGraphicsView):
    """Shows the side outline and the control points; emits ``moved(index, dy, dz)`` in mm."""

    moved = QtCore.Signal(int, float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QtWidgets.QGraphicsScene())
        self.setRenderHint(QtGui.QPainter.Antialiasing)
        self.handles: list[_Handle] = []
        self.figure_items: list = []

    def show_profile(self, outline, points) -> None:
        """Draw a side outline (shapely, y-z mm) and its control points ``[(y, z), ...]``."""
        scene = self.scene()
        scene.clear()
        self.figure_items = []
        pen = QtGui.QPen(QtGui.QColor("#8a6a45"))
        pen.setCosmetic(True)
        poly = QtGui.QPolygonF([QtCore.QPointF(x, -y) for x, y in outline.exterior.coords])
        scene.addPolygon(poly, pen, QtGui.QBrush(QtGui.QColor("#f0dcc0")))
        self.handles = [_Handle(self, i, x, -y) for i, (x, y) in enumerate(points)]
        for handle in self.handles:
            scene.addItem(handle)
        self.fitInView(scene.itemsBoundingRect().adjusted(-40, -40, 40, 40), QtCore.Qt.KeepAspectRatio)

    def show_figure(self, segments) -> None:
        """Draw a seated figure's side view: ``[(p0, p1, radius), ...]`` capsules in product mm (y, z used);
        an empty list removes it."""
        scene = self.scene()
        for item in self.figure_items:
            if item.scene() is scene:
                scene.removeItem(item)
        self.figure_items = []
        colour = QtGui.QColor("#6f8fb8")
        colour.setAlpha(140)
        for p0, p1, radius in segments:
            pen = QtGui.QPen(colour, 2 * radius, QtCore.Qt.SolidLine, QtCore.Qt.RoundCap)
            line = scene.addLine(float(p0[1]), -float(p0[2]), float(p1[1]), -float(p1[2]), pen)
            line.setZValue(-1)  # under the control points
            self.figure_items.append(line)

    def point_moved(self, index: int, dy: float, dz: float) -> None:
        """A control point was dragged by (dy, dz) mm (what a mouse drag ends with)."""
        if abs(dy) > 0.5 or abs(dz) > 0.5:
            self.moved.emit(index, dy, dz)
