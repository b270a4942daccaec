"""The parameter panel, generated from a model's specs: spin boxes with sliders and units,
drop-downs, check boxes, grouped, with the help text as tooltips."""

from __future__ import annotations

from typing import Any

from parametric.params import Angle, Choice, Count, Flag, Length

from ._qt import QtCore, QtWidgets


class ParamPanel(QtWidgets.QWidget):
    """One widget per editable spec; emits ``changed(name, value)`` when the user edits one."""

    changed = QtCore.Signal(str, object)

    def __init__(self, schema, parent=None):
        super().__init__(parent)
        self.schema = schema
        self.widgets: dict[str, QtWidgets.QWidget] = {}
        self.sliders: dict[str, QtWidgets.QSlider] = {}
        layout = QtWidgets.QVBoxLayout(self)
        groups: dict[str, QtWidgets.QFormLayout] = {}
        for spec in schema.specs.values():
            if spec.group not in groups:
                box = QtWidgets.QGroupBox(spec.group)
                groups[spec.group] = QtWidgets.QFormLayout(box)
                layout.addWidget(box)
            widget = self._make(spec)
            if widget is None:
                continue
            widget.setToolTip(spec.help)
            groups[spec.group].addRow(spec.label, widget)
        layout.addStretch(1)

    def _make(self, spec) -> QtWidgets.QWidget | None:
        name = spec.name
        if isinstance(spec, (Length, Angle)):
            spin = QtWidgets.QDoubleSpinBox()
            spin.setRange(spec.min, spec.max)
            spin.setSingleStep(spec.step)
            spin.setDecimals(2)
            spin.setSuffix(f" {spec.unit}")
            spin.setValue(spec.default)
            slider = QtWidgets.QSlider(QtCore.Qt.Horizontal)
            steps = max(1, int(round((spec.max - spec.min) / spec.step)))
            slider.setRange(0, steps)
            slider.setValue(int(round((spec.default - spec.min) / spec.step)))
            spin.valueChanged.connect(lambda v, n=name: self._edited(n, v))
            slider.valueChanged.connect(lambda k, s=spin, sp=spec: s.setValue(sp.min + k * sp.step))
            self.widgets[name], self.sliders[name] = spin, slider
            row = QtWidgets.QWidget()
            hl = QtWidgets.QHBoxLayout(row)
            hl.setContentsMargins(0, 0, 0, 0)
            hl.addWidget(slider, 2)
            hl.addWidget(spin, 1)
            return row
        if isinstance(spec, Count):
            spin = QtWidgets.QSpinBox()
            spin.setRange(spec.min, spec.max)
            spin.setValue(spec.default)
            spin.valueChanged.connect(lambda v, n=name: self._edited(n, v))
            self.widgets[name] = spin
            return spin
        if isinstance(spec, Choice):
            combo = QtWidgets.QComboBox()
            combo.addItems(list(spec.options))
            combo.setCurrentText(spec.default)
            combo.currentTextChanged.connect(lambda v, n=name: self._edited(n, v))
            self.widgets[name] = combo
            return combo
        if isinstance(spec, Flag):
            check = QtWidgets.QCheckBox()
            check.setChecked(spec.default)
            check.toggled.connect(lambda v, n=name: self._edited(n, v))
            self.widgets[name] = check
            return check
        return None  # profiles and drawn outlines are edited in the profile tab or imported

    def _edited(self, name: str, value: Any) -> None:
        spec = self.schema.specs[name]
        if name in self.sliders:
            slider = self.sliders[name]
            slider.blockSignals(True)
            slider.setValue(int(round((value - spec.min) / spec.step)))
            slider.blockSignals(False)
        self.changed.emit(name, value)

    def set_values(self, values: dict[str, Any]) -> None:
        """Show these values without emitting ``changed``."""
        for name, widget in self.widgets.items():
            if name not in values:
                continue
            value = values[name]
            widget.blockSignals(True)
            if isinstance(widget, QtWidgets.QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QtWidgets.QComboBox):
                widget.setCurrentText(str(value))
            else:
                widget.setValue(value)
            widget.blockSignals(False)
            if name in self.sliders:
                spec = self.schema.specs[name]
                self.sliders[name].blockSignals(True)
                self.sliders[name].setValue(int(round((value - spec.min) / spec.step)))
                self.sliders[name].blockSignals(False)
