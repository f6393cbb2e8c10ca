"""The grades as the rest of the code reads them: one cached list, never a query per row.

The list is small (a handful of grades), so it lives in CACHES (shared Redis in production;
with the one-process locmem cache another process sees an edit within STALE_SECONDS) and is
dropped by every save (services.py). Readers build SQL CASE / OR conditions from it.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from companylists.models import Grade

CACHE_KEY = "companylists:grades:1"
STALE_SECONDS = 60


@dataclass(frozen=True)
class GradeInfo:
    key: str
    label_zh_hans: str
    label_en: str
    active: bool
    cadence_days: int
    recycle_days: int
    is_key_grade: bool

    @property
    def label(self) -> str:
        return (
            self.label_zh_hans
            if (get_language() or "").lower().startswith("zh")
            else self.label_en
        )


def all_grades() -> list[GradeInfo]:
    """Every grade, retired ones too, in the company's order."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = [
            GradeInfo(
                g.key,
                g.label_zh_hans,
                g.label_en,
                g.active,
                g.cadence_days,
                g.recycle_days,
                g.is_key_grade,
            )
            for g in Grade.objects.order_by("order", "id")
        ]
        cache.set(CACHE_KEY, found, STALE_SECONDS)
    return found


def prime(rows: list[dict]) -> None:
    """Cache these grades as the list (tests start from the seeded list without a query)."""
    cache.set(
        CACHE_KEY,
        [
            GradeInfo(**{field: row[field] for field in GradeInfo.__dataclass_fields__})
            for row in rows
        ],
        STALE_SECONDS,
    )


def forget() -> None:
    """Drop the cached list (after a save; tests between cases)."""
    cache.delete(CACHE_KEY)


def by_key() -> dict[str, GradeInfo]:
    return {grade.key: grade for grade in all_grades()}


def keys() -> list[str]:
    return [grade.key for grade in all_grades()]


def default_key() -> str:
    """The grade a new customer gets: the first active one (seeded: normal)."""
    active = [grade for grade in all_grades() if grade.active]
    return (active or all_grades())[0].key


def key_grade() -> str:
    """The key grade (A-class customers become it; "overdue VIPs"): seeded vip."""
    marked = [grade.key for grade in all_grades() if grade.is_key_grade]
    return marked[0] if marked else ""


def _fallback() -> GradeInfo:
    return by_key().get(default_key())


def cadence_days(key: str) -> int:
    """Days between follow-ups a grade asks for (an unknown key reads as the default grade)."""
    return (by_key().get(key) or _fallback()).cadence_days


def recycle_days(key: str) -> int:
    return (by_key().get(key) or _fallback()).recycle_days


def label(key: str) -> str:
    """The grade's label in the reader's language; an unknown key shows as itself."""
    grade = by_key().get(key)
    return grade.label if grade else key


def choices(*, current: str = "") -> list[tuple[str, str]]:
    """Choices for a form: the active grades, and `current` (a record's retired grade) too."""
    return [(g.key, g.label) for g in all_grades() if g.active or g.key == current]


def filter_choices() -> list[tuple[str, str]]:
    """Choices for a list filter: every grade, retired ones marked, so old records stay findable."""
    return [
        (g.key, g.label if g.active else _("%(label)s (retired)") % {"label": g.label})
        for g in all_grades()
    ]
