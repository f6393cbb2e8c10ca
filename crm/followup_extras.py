"""Extra fields other apps add to the follow-up form, and panels they add to a follow-up's page,
without crm importing them (deals links a conversation to a deal). An app registers one extra in
its AppConfig.ready():

- `field(user, customer)` returns a form field for the new follow-up form of `customer`, or None
  to add nothing (the app's policy decides which choices `user` may see);
- `save(followup, value, *, by)` runs inside followup_create's transaction with the cleaned value;
- `panel(user, followup)` returns the context of `template` on the follow-up's page, or None;
- `details(followup)` returns [(label, text)] lines shown on the follow-up's page (contacts: whom
  the conversation was with).
The form field is named `extra_<name>`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Extra:
    name: str
    field: object
    save: object
    template: str = ""
    panel: object = None
    details: object = None


_extras: list[Extra] = []


def register_followup_extra(name: str, *, field, save, template: str = "", panel=None, details=None) -> None:
    extra = Extra(name, field, save, template, panel, details)
    if all(known.name != name for known in _extras):
        _extras.append(extra)


def add_fields(form, user, customer) -> None:
    """Add the registered fields to a new follow-up form (after its own)."""
    for extra in _extras:
        field = extra.field(user, customer)
        if field is not None:
            form.fields[f"extra_{extra.name}"] = field


def pop_values(cleaned_data: dict) -> dict:
    """Take the extras' values out of a form's cleaned data: {name: value}."""
    return {extra.name: cleaned_data.pop(f"extra_{extra.name}")
            for extra in _extras if f"extra_{extra.name}" in cleaned_data}


def save_all(followup, values: dict, *, by) -> None:
    for extra in _extras:
        if extra.name in values:
            extra.save(followup, values[extra.name], by=by)


def panels(user, followup) -> list[dict]:
    shown = []
    for extra in _extras:
        context = extra.panel(user, followup) if extra.panel else None
        if context is not None:
            shown.append({"template": extra.template, "context": context})
    return shown


def details(followup) -> list[tuple]:
    return [item for extra in _extras if extra.details for item in extra.details(followup)]
