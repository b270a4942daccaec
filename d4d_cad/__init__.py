"""The application layer: the build pipeline and the ``d4d`` CLI (on top of parametric and fabrication)."""
