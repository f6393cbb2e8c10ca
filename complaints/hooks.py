"""Hooks of complaints for the apps above, without complaints importing them. Listeners of a
new complaint (notifications tells the owner): `fn(complaint, *, by, now)` runs inside the
logging transaction, so a failure saves nothing."""

_logged = []


def register_logged(fn) -> None:
    if fn not in _logged:
        _logged.append(fn)


def complaint_logged(complaint, *, by, now) -> None:
    for fn in _logged:
        fn(complaint, by=by, now=now)


# Sections other apps add to a complaint's page (attachments), like crm.sections for customers:
# `context_fn(user, complaint)` returns the section's context, or None to show nothing.
_sections = []


def register_complaint_section(template_name: str, context_fn) -> None:
    if (template_name, context_fn) not in _sections:
        _sections.append((template_name, context_fn))


def complaint_sections(user, complaint) -> list[dict]:
    shown = []
    for template_name, context_fn in _sections:
        context = context_fn(user, complaint)
        if context is not None:
            shown.append({"template": template_name, "context": context})
    return shown


# The app that stores files (attachments) takes those given when logging a complaint:
# `fn(complaint, files, *, by)` runs inside the logging transaction, after the complaint is saved;
# a ValidationError there saves nothing (no complaint without the files its author gave).
# `accept` is the file picker's list of types. Without it, the form asks for no file.
_files = []


def register_complaint_files(fn, *, accept: str) -> None:
    if not any(registered is fn for registered, _accept in _files):
        _files.append((fn, accept))


def file_accept() -> str | None:
    """The types the file picker offers, None when no app takes files."""
    return _files[0][1] if _files else None


def complaint_files(complaint, files, *, by) -> None:
    for fn, _accept in _files:
        fn(complaint, files, by=by)
