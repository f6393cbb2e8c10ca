"""Input formats per language (FORMAT_MODULE_PATH): the HTML standard's machine format comes
first in every language, so every date, datetime-local and time <input> of every form renders
2027-01-03, 2027-01-03T09:05 and 09:05 whatever the reader's language (a browser's date input
shows "2027/01/03" as empty, and saving the untouched form erased the date); the language's own
formats follow, so typed dates in them still parse. Dates shown as text keep the language's
DATE_FORMAT. Numbers need nothing here: inputs render them unlocalised, and neither language
groups digits or uses a decimal comma. A new language in LANGUAGES gets a module beside these
(tests/test_input_formats.py fails until it has one).
"""

from importlib import import_module

MACHINE_DATE = "%Y-%m-%d"
MACHINE_DATETIME = "%Y-%m-%dT%H:%M"
MACHINE_TIME = "%H:%M"


def machine_first(locale: str) -> tuple[list[str], list[str], list[str]]:
    """(date, datetime, time) input formats: the machine format, then Django's for `locale`."""
    own = import_module(f"django.conf.locale.{locale}.formats")

    def first(machine, formats):
        return [machine, *(f for f in formats if f != machine)]

    return (
        first(MACHINE_DATE, own.DATE_INPUT_FORMATS),
        first(MACHINE_DATETIME, own.DATETIME_INPUT_FORMATS),
        first(MACHINE_TIME, own.TIME_INPUT_FORMATS),
    )
