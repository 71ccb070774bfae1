"""Files that survive a crash: a commit fsyncs every file it wrote and the directories holding
them before the rename that commits, so a power cut leaves the old state or the new one."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_tree(directory: Path) -> None:
    """Every file and folder under `directory`, and the folder itself."""
    for folder, _, names in os.walk(directory):
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                os.fsync(handle.fileno())
        fsync_directory(Path(folder))


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
