"""Presentation mode: a full-screen map stepping through scenes (the five projects, saved views)."""


from ui import linknotes, mapview, presentview
from ui.common import lang

L = lang()
presentview.draw_style()
linknotes.read_params(L)  # too many or repeated parameters: noted
for message in presentview.init_scenes():
    linknotes.add(message)
linknotes.show(presentview.view_key(L), L)  # in the page (no sidebar here), until the view changes
presentview.draw_header(L)
presentview.draw_map(mapview.map_inputs(), L)
