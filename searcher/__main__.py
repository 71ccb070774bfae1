"""`python -m searcher` runs the command line."""

from searcher.cli.main import run

run()
