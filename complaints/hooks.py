"""Listeners of complaints, for the apps above (notifications tells the owner of a new complaint)
without complaints importing them: `fn(complaint, *, by, now)` runs inside the logging
transaction, so a failure saves nothing."""

_logged = []


def register_logged(fn) -> None:
    if fn not in _logged:
        _logged.append(fn)


def complaint_logged(complaint, *, by, now) -> None:
    for fn in _logged:
        fn(complaint, by=by, now=now)
