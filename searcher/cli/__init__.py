"""The command line (Typer): main.py wires the commands, render.py prints; the error boundary."""
