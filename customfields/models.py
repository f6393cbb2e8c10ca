"""The company's own fields on customers, follow-ups and deals (issue 23).

A definition says what a value may be; the values live in each record's `custom` jsonb column
(key -> JSON value), validated against the definitions by customfields.kinds on every write.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class FieldDefinition(models.Model):
    class Target(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        FOLLOWUP = "followup", _("Follow-up")
        DEAL = "deal", _("Deal")

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        MONEY = "money", _("Money (CNY)")
        DATE = "date", _("Date")
        DATETIME = "datetime", _("Date and time")
        BOOLEAN = "boolean", _("Yes/no")
        CHOICE = "choice", _("Single choice")
        MULTI_CHOICE = "multi_choice", _("Multiple choice")
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        URL = "url", _("URL")
        PERSON = "person", _("A person of the company")

    class Access(models.TextChoices):
        ALL = "all", _("Everyone")
        MANAGEMENT = "management", _("Supervisors and admins")
        ADMINS = "admins", _("Admins only")

    target = models.CharField(_("record"), max_length=10, choices=Target.choices)
    key = models.CharField(
        _("key"), max_length=30,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", _("Lower-case letters, digits and _, starting with a letter."))],
        help_text=_("A stable name for imports and exports; it cannot change later."),
    )
    label_zh_hans = models.CharField(_("label (Chinese)"), max_length=60)
    label_en = models.CharField(_("label (English)"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # [{"key": "retail", "zh_hans": "零售", "en": "Retail"}, ...] for the choice kinds.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    group = models.CharField(_("group"), max_length=40, blank=True, help_text=_("e.g. 基本信息, 联系方式"))
    see = models.CharField(_("who may see it"), max_length=12, choices=Access.choices, default=Access.ALL)
    edit = models.CharField(_("who may edit it"), max_length=12, choices=Access.choices, default=Access.ALL)
    searchable = models.BooleanField(_("found by the search box"), default=False)
    list_column = models.BooleanField(_("a column of the list"), default=False)
    unique = models.BooleanField(_("unique (takes part in the duplicate check)"), default=False)
    hidden = models.BooleanField(_("hidden (its values are kept)"), default=False)

    class Meta:
        ordering = ["target", "order", "id"]
        verbose_name = _("custom field")
        constraints = [models.UniqueConstraint(fields=["target", "key"], name="customfields_key_per_target")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_zh_hans

    def choice_labels(self) -> dict[str, str]:
        english = (get_language() or "").startswith("en")
        return {c["key"]: (c.get("en") if english else c.get("zh_hans")) or c["key"] for c in self.choices or []}


class ValueChange(models.Model):
    """A custom value of a follow-up or a deal changed (their own histories keep the text and the
    stages; customers keep theirs in crm's CustomerChange). Values are stored as JSON text."""

    target = models.CharField(max_length=10, choices=FieldDefinition.Target.choices)
    record_id = models.BigIntegerField()
    key = models.CharField(max_length=30)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target", "record_id", "at"], name="customfields_change_record")]
