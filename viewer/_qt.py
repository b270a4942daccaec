"""One import funnel for Qt (the pyvista/ezdxf habit): fails with the extra to install."""

from __future__ import annotations

from parametric._optional import require

require("PySide6", "viewer")
require("pyvistaqt", "viewer")

from PySide6 import QtCore, QtGui, QtWidgets  # noqa: E402
from pyvistaqt import QtInteractor  # noqa: E402

__all__ = ["QtCore", "QtGui", "QtWidgets", "QtInteractor"]
