"""CLI commands beyond the core ones, one module each; registered in ``parametric.app.cli``."""
