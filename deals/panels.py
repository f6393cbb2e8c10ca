"""Sections other apps add to a deal's page (attachments), without deals importing them: an app
registers `(template_name, context_fn)` in its AppConfig.ready(); `context_fn(user, deal)` returns
the section's context, or None to show nothing. templates/deals/deal_detail.html includes each."""

_sections = []


def register_deal_section(template_name: str, context_fn) -> None:
    if (template_name, context_fn) not in _sections:
        _sections.append((template_name, context_fn))


def deal_sections(user, deal) -> list[dict]:
    shown = []
    for template_name, context_fn in _sections:
        context = context_fn(user, deal)
        if context is not None:
            shown.append({"template": template_name, "context": context})
    return shown
