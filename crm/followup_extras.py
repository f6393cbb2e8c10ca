"""Fields other apps add to the "log a conversation" form (contacts: whom it was with), without
crm importing them. An app registers, in its AppConfig.ready(), three functions:
  fields(user, customer) -> {name: form field}   ({} when it offers nothing here)
  save(*, followup, data, by)                    inside followup_create's transaction; `data`
                                                 holds the cleaned values of its own fields
  details(followup) -> [(label, text)]           shown on the record's page
"""

_extras = []


def register_followup_extra(*, fields, save, details) -> None:
    entry = (fields, save, details)
    if entry not in _extras:
        _extras.append(entry)


def fields_for(user, customer) -> dict:
    found = {}
    for fields, _save, _details in _extras:
        found.update(fields(user, customer))
    return found


def save(*, followup, data: dict, by) -> None:
    for _fields, save_fn, _details in _extras:
        save_fn(followup=followup, data=data, by=by)


def details(followup) -> list[tuple]:
    return [item for _fields, _save, details_fn in _extras for item in details_fn(followup)]
