"""Exports to the tools analysts already use: KML (Google Earth), CZML (Cesium) and Tacview's
ACMI 2.2 text format. Each reads a run directory's scene.json and event log (with positions)
and returns the file's text; `iadsim export` writes it."""
