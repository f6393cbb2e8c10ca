"""Sections other apps add to a customer's page (deals, later contacts...), without crm importing
them: an app registers `(template_name, context_fn)` in its AppConfig.ready();
`context_fn(user, customer)` returns the section's context, or None to show nothing (the policy
decides, in that app). templates/crm/customer_detail.html includes each one in order."""

_sections = []


def register_customer_section(template_name: str, context_fn) -> None:
    if (template_name, context_fn) not in _sections:
        _sections.append((template_name, context_fn))


def customer_sections(user, customer) -> list[dict]:
    shown = []
    for template_name, context_fn in _sections:
        context = context_fn(user, customer)
        if context is not None:
            shown.append({"template": template_name, "context": context})
    return shown


_badges = []


def register_customer_badges(fn) -> None:
    """`fn(user, customers)` -> {customer id: [(label, css class), ...]}: badges an app shows on
    the customer list (complaints: an open complaint). One query per app per page."""
    if fn not in _badges:
        _badges.append(fn)


def attach_badges(user, customers) -> None:
    """Set `customer.badges` on each customer of a page (a list, possibly empty)."""
    customers = list(customers)
    found = {}
    for fn in _badges:
        for pk, badges in fn(user, customers).items():
            found.setdefault(pk, []).extend(badges)
    for customer in customers:
        customer.badges = found.get(customer.pk, [])
# The same for a follow-up's page (attachments): `context_fn(user, followup)`.
_followup_sections = []


def register_followup_section(template_name: str, context_fn) -> None:
    if (template_name, context_fn) not in _followup_sections:
        _followup_sections.append((template_name, context_fn))


def followup_sections(user, followup) -> list[dict]:
    shown = []
    for template_name, context_fn in _followup_sections:
        context = context_fn(user, followup)
        if context is not None:
            shown.append({"template": template_name, "context": context})
    return shown
