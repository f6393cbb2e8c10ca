"""The company's own lists (SPEC §9, §1.B): grades with their follow-up cadence and recycling days.

A customer stores a grade's `key` (crm_customer.grade, a CharField): the key never changes, the
labels and days do. A retired grade stays readable on old records and in filters of old data but
is not offered for new choices; a grade in use is never deleted.
"""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = RegexValidator(
    r"^[a-z0-9_-]+$", _("Use lower-case letters, digits, - and _ only.")
)
MAX_DAYS = 3650


class Grade(models.Model):
    key = models.CharField(
        _("key"),
        max_length=10,
        unique=True,
        validators=[KEY_PATTERN],
        help_text=_("Stored on the customers; cannot be changed later."),
    )
    label_zh_hans = models.CharField(_("label (Chinese)"), max_length=50)
    label_en = models.CharField(_("label (English)"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("follow-up every (days)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
    )
    recycle_days = models.PositiveSmallIntegerField(
        _("back to the pool after (days without contact)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
    )
    is_key_grade = models.BooleanField(
        _("key grade"),
        default=False,
        help_text=_(
            "A-class key accounts become this grade; the dashboards' overdue key customers are of it."
        ),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(
                fields=["is_key_grade"],
                condition=Q(is_key_grade=True),
                name="companylists_one_key_grade",
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1, recycle_days__gte=1),
                name="companylists_grade_days_positive",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return (
            self.label_zh_hans
            if (get_language() or "").lower().startswith("zh")
            else self.label_en
        )


class Entry(models.Model):
    """An entry of one of the company's simple lists: a key the records store, a label per
    language, an order, active or retired (companylists/lists.py reads them, cached)."""

    class List(models.TextChoices):
        SOURCE = "source", _("Sources")
        INDUSTRY = "industry", _("Industries")
        GIVE_UP = "give_up", _("Give-up reasons")

    list = models.CharField(_("list"), max_length=20, choices=List.choices)
    key = models.CharField(
        _("key"),
        max_length=20,
        validators=[KEY_PATTERN],
        help_text=_("Stored on the records; cannot be changed later."),
    )
    label_zh_hans = models.CharField(_("label (Chinese)"), max_length=50)
    label_en = models.CharField(_("label (English)"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["list", "order", "id"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(fields=["list", "key"], name="companylists_entry_key")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return (
            self.label_zh_hans
            if (get_language() or "").lower().startswith("zh")
            else self.label_en
        )
