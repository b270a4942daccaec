"""The d4d product catalogue: one product per module (see ``_template.py``)."""
