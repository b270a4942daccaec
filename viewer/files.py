"""The viewer's file actions: open parameters or a mesh, save parameters, export the download bundle.

A mixin of :class:`viewer.app.MainWindow`: it uses the window's ``edit``, ``set_values``, ``scene``,
``cls``, ``machine`` / ``material`` choosers and status bar.
"""

from __future__ import annotations

from pathlib import Path

from ._qt import QtCore, QtWidgets


class FileActions:
    """Open, save and export, for the main window."""

    def open_params(self, path: str | None = None) -> None:
        """Open a params.json / design.json / YAML parameter file."""
        from parametric.paramfile import load_params_file

        path = path or QtWidgets.QFileDialog.getOpenFileName(self, "Open parameters", "", "*.json *.yaml *.yml")[0]
        if path:
            try:
                _, values = load_params_file(path)
                self.set_values(values)
            except Exception as exc:  # noqa: BLE001
                self.statusBar().showMessage(f"error: {exc}")

    def open_mesh(self, path: str | None = None) -> None:
        """Read a mesh file (STL, OBJ, PLY, 3MF, OFF) into the ``mesh`` parameter once, then rebuild."""
        from parametric.errors import D4DError

        path = path or QtWidgets.QFileDialog.getOpenFileName(self, "Open mesh", "", "*.stl *.obj *.ply *.3mf *.off")[0]
        if path:
            try:
                self.edit("mesh", self.cls.schema.specs["mesh"].coerce(f"@{path}"))
            except D4DError as exc:
                self.statusBar().showMessage(f"error: {exc}")

    def save_params(self, path: str | None = None) -> None:
        """Save the current parameters as JSON (the same layout as a bundle's params.json)."""
        from parametric.paramfile import dump_params

        path = path or QtWidgets.QFileDialog.getSaveFileName(self, "Save parameters", "params.json", "*.json")[0]
        if path and self.scene is not None:
            Path(path).write_text(dump_params(self.scene.design.params, "json", self.scene.design.model_version))

    def export_bundle(self, path: str | None = None, machine: str = "cnc-router-6mm",
                      material: str = "birch-ply") -> Path | None:
        """Write the download bundle for the current design, with a progress dialog."""
        from fabrication.export.bundle import export_bundle
        from fabrication.machines import get_machine
        from parametric.materials import get_material

        if self.scene is None:
            return None
        path = path or QtWidgets.QFileDialog.getExistingDirectory(self, "Export bundle to")
        if not path:
            return None
        progress = QtWidgets.QProgressDialog("Exporting...", None, 0, 7, self)
        progress.setWindowModality(QtCore.Qt.WindowModal)

        def tick(step, total, what):
            progress.setLabelText(what)
            progress.setValue(step)
            QtWidgets.QApplication.processEvents()

        machine = self.machine.currentText() or machine
        material = self.material.currentText() or material
        try:
            bundle = export_bundle(self.scene.design, get_machine(machine), get_material(material), path,
                                   progress=tick)
        except Exception as exc:  # noqa: BLE001
            self.statusBar().showMessage(f"error: {exc}")
            return None
        finally:
            progress.close()
        self.statusBar().showMessage(f"wrote {bundle.path}")
        return bundle.path
