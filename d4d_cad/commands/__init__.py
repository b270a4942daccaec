"""CLI commands beyond the core ones, one module each; registered in ``d4d_cad.cli``."""
