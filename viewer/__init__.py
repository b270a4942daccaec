"""The desktop viewer (PySide6 + pyvistaqt): the only package that imports Qt.

``python -m viewer`` or ``d4d view [MODEL]`` opens it. Rebuilds run on a worker thread; a newer
edit supersedes a stale rebuild; errors go to the status bar and the checks panel.
"""
