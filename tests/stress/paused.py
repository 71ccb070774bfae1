"""The searcher command line with one call paused, for tests that signal a run in the middle of
its work: `searcher ARGS...` runs as usual until the at-th call of TARGET, where it writes
"paused in TARGET" to stderr and waits for the signal (faults.pause_at). A signal sent after that
line can neither come before the work has started nor after it has finished, however loaded the
machine is. Used by tests/test_reliability.py:

    python tests/stress/paused.py searcher.indexing.rows:RowsBuilder.add 3 index --rebuild
"""

from __future__ import annotations

import sys

from faults import pause_at


def main() -> None:
    target, at, *args = sys.argv[1:]
    pause_at(target, int(at))
    sys.argv = ["searcher", *args]
    from searcher.cli.main import run

    run()


if __name__ == "__main__":
    main()
