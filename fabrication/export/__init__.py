"""Cut-file and model exporters (DXF, STEP/STL, design JSON)."""
