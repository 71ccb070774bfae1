"""The terminal UI (Textual): `searcher tui`. app.py composes the widgets, one per module, and
drives session.py, the query state (no Textual). Imported only by the `tui` command, so no other
command pays for loading Textual.
"""
