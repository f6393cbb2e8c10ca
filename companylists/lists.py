"""The company's simple lists (sources, industries, give-up reasons) as the code reads them: one
cached list of every entry, never a query per row. Saves drop it (services.py), as for grades.

A record stores an entry's key; a retired entry stays readable on old records and in filters, but
is not offered for new choices. A stored value that is no key of the list shows as itself (an
industry typed before the list existed)."""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from companylists.models import Entry

CACHE_KEY = "companylists:entries:1"
STALE_SECONDS = 60
SOURCE, INDUSTRY, GIVE_UP = Entry.List.SOURCE.value, Entry.List.INDUSTRY.value, Entry.List.GIVE_UP.value


@dataclass(frozen=True)
class EntryInfo:
    list: str
    key: str
    label_zh_hans: str
    label_en: str
    active: bool

    @property
    def label(self) -> str:
        return self.label_zh_hans if (get_language() or "").lower().startswith("zh") else self.label_en


def _everything() -> list[EntryInfo]:
    found = cache.get(CACHE_KEY)
    if found is None:
        found = [EntryInfo(e.list, e.key, e.label_zh_hans, e.label_en, e.active)
                 for e in Entry.objects.order_by("list", "order", "id")]
        cache.set(CACHE_KEY, found, STALE_SECONDS)
    return found


def prime(rows: list[dict]) -> None:
    """Cache these entries as the lists (tests start from the seeded lists without a query)."""
    cache.set(CACHE_KEY, [EntryInfo(**{f: row[f] for f in EntryInfo.__dataclass_fields__}) for row in rows],
              STALE_SECONDS)


def forget() -> None:
    cache.delete(CACHE_KEY)


def entries(list_name: str) -> list[EntryInfo]:
    """Every entry of a list, retired ones too, in the company's order."""
    return [entry for entry in _everything() if entry.list == list_name]


def by_key(list_name: str) -> dict[str, EntryInfo]:
    return {entry.key: entry for entry in entries(list_name)}


def label(list_name: str, key: str) -> str:
    """The entry's label in the reader's language; a value that is no key shows as itself."""
    entry = by_key(list_name).get(key)
    return entry.label if entry else key


def default_key(list_name: str) -> str:
    active = [entry.key for entry in entries(list_name) if entry.active]
    return active[0] if active else ""


def choices(list_name: str, *, current: str = "") -> list[tuple[str, str]]:
    """A form's choices: the active entries, and `current` (a record's value) if it is not one of
    them: a retired entry by its label, a value outside the list as itself (kept on an unchanged save)."""
    offered = [(e.key, e.label) for e in entries(list_name) if e.active or e.key == current]
    if current and all(key != current for key, _label in offered):
        offered.append((current, current))
    return offered


def filter_choices(list_name: str) -> list[tuple[str, str]]:
    """A list filter's choices: every entry, retired ones marked, so old records stay findable."""
    return [(e.key, e.label if e.active else _("%(label)s (retired)") % {"label": e.label})
            for e in entries(list_name)]


def find(list_name: str, text: str) -> str | None:
    """The key a typed value means: a key or a label in either language (case-insensitive), None
    when it is none of them (the import's reading; retired entries are not offered: None too)."""
    wanted = (text or "").strip().lower()
    for entry in entries(list_name):
        if entry.active and wanted in (entry.key.lower(), entry.label_zh_hans.lower(), entry.label_en.lower()):
            return entry.key
    return None


# --- Industries: stored as text ---------------------------------------------------------------
# A customer's industry stays the text column it always was (the search box, the pool's filter,
# the reports and the import read and write text): a listed industry is stored as its Chinese
# label, the company's working language, and shown in the reader's language. A text that is no
# listed industry (typed before the list, or imported) stays and shows as written.


def industry_text(key_or_text: str) -> str:
    """What the customer stores for a typed or chosen industry: a listed one (its key, or its label
    in either language) as its Chinese label, anything else as typed."""
    text = (key_or_text or "").strip()
    found = find(INDUSTRY, text)
    return by_key(INDUSTRY)[found].label_zh_hans if found else text


def industry_stored(key: str) -> str:
    """The text customers store for the listed industry `key` (retired too; the usage count)."""
    entry = by_key(INDUSTRY).get(key)
    return entry.label_zh_hans if entry else key


def industry_label(text: str) -> str:
    """A stored industry in the reader's language (a listed one, retired too), else as stored."""
    entry = next((e for e in entries(INDUSTRY) if e.label_zh_hans == text), None)
    return entry.label if entry else text


def industry_choices(*, current: str = "") -> list[tuple[str, str]]:
    """A form's choices: none ("") first, the active industries, and the customer's own value
    (a retired industry or free text) so that an unchanged save keeps it."""
    offered = [(e.label_zh_hans, e.label) for e in entries(INDUSTRY) if e.active or e.label_zh_hans == current]
    if current and all(value != current for value, _label in offered):
        offered.append((current, current))
    return [("", "---------"), *offered]
