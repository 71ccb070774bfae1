"""The terminal UI (Textual): `searcher tui`. app.py composes the widgets, one per module.

Imported only by the `tui` command, so no other command pays for loading Textual.
"""
