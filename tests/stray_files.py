"""Files and folders a test run creates where it must not, and leaves there (issue 21.7): the
system temp dir, or the demo company's private files (var/private). Python's audit events name
every file opened for writing and every folder made, by this process, whatever code does it."""

import os
import sys
from contextlib import contextmanager

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT
EVENTS = frozenset({"open", "os.mkdir", "os.rename", "os.replace", "os.symlink", "os.link", "shutil.copyfile"})
_watching: list["StrayFiles"] = []


class StrayFiles:
    def __init__(self, roots):
        self.roots = sorted({os.path.realpath(root) for root in roots})
        self.created: set[str] = set()

    def note(self, path) -> None:
        if isinstance(path, int) or path is None:
            return
        path = os.path.abspath(os.fsdecode(path))
        real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        if any(real.startswith(root + os.sep) for root in self.roots):
            self.created.add(real)

    def start(self) -> "StrayFiles":
        _watching.append(self)
        return self

    def stop(self) -> None:
        if self in _watching:
            _watching.remove(self)

    def left(self) -> list[str]:
        """What was created and is still there, outermost first (a folder, not each file in it)."""
        remaining = sorted(path for path in self.created if os.path.lexists(path))
        return [path for path in remaining if not any(path.startswith(other + os.sep) for other in remaining)]


def _hook(event, args):
    if event not in EVENTS or not _watching:
        return
    try:
        if event == "open":
            path, _mode, flags = args
            if not isinstance(flags, int) or not flags & WRITE_FLAGS:
                return
        elif event in ("os.mkdir",):
            path = args[0]
        else:  # rename, replace, symlink, link, copyfile: (source, destination, ...)
            path = args[1]
        for watcher in _watching:
            watcher.note(path)
    except Exception:  # noqa: BLE001 - an audit hook that raises would break the operation it watches
        pass


sys.addaudithook(_hook)


@contextmanager
def watching(roots):
    """Record what this process creates under `roots` while the block runs."""
    watcher = StrayFiles(roots).start()
    try:
        yield watcher
    finally:
        watcher.stop()
