"""An example d4d plugin package (registered through the d4d.models entry-point group)."""
