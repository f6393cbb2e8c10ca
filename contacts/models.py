"""The people a sales team talks to at a customer (联系人, issue 25). A contact hangs on its
customer, never on a salesperson: it follows the customer through the pool, claims,
reassignment and offboarding without any code of its own. Removing a contact only marks it
removed (nothing is lost), and every add, edit and removal leaves a ContactChange."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import ExtractDay, ExtractMonth, Reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.models import Customer, NormalizedPhone, SearchGrams

ACTIVE = Q(removed_at__isnull=True)


class ContactSearchText(Func):
    """contacts_search_text(name, mobile, landline, wechat, email): what the search box finds a
    contact by, lower-cased, one per line, phones also as digits only (migration 0001)."""

    function = "contacts_search_text"
    output_field = models.TextField()


class Contact(models.Model):
    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        USER = "user", pgettext_lazy("contact role", "User")
        FINANCE = "finance", _("Finance")
        INFLUENCER = "influencer", _("Influencer")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts", db_index=False)
    name = models.CharField(pgettext_lazy("contact", "name"), max_length=50)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    role = models.CharField(_("role in the deal"), max_length=20, choices=Role.choices, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    landline = models.CharField(_("landline"), max_length=30, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    normalized_mobile = models.GeneratedField(
        expression=NormalizedPhone(F("mobile")), output_field=models.CharField(max_length=30), db_persist=True
    )
    normalized_landline = models.GeneratedField(
        expression=NormalizedPhone(F("landline")), output_field=models.CharField(max_length=30), db_persist=True
    )
    search_text = models.GeneratedField(
        expression=ContactSearchText(F("name"), F("mobile"), F("landline"), F("wechat"), F("email")),
        output_field=models.TextField(), db_persist=True,
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            # At most one primary contact per customer among those not removed.
            models.UniqueConstraint(fields=["customer"], condition=Q(is_primary=True) & ACTIVE,
                                    name="contacts_one_primary_per_customer"),
        ]
        indexes = [
            models.Index(fields=["customer", "-is_primary", "name"], name="contacts_customer", condition=ACTIVE),
            # The search box: the same 1-2 character grams as the customers' index (crm.search).
            GinIndex(SearchGrams(F("search_text")), name="contacts_grams_gin", condition=ACTIVE),
            # Phones: the duplicate check (撞单, equality) and the search box (a number's start:
            # prefix; its end: the reversed number's prefix). Pattern operator classes serve both
            # = and LIKE 'x%' whatever the database's collation. Not partial on "has a phone", so
            # a probe by a phone from another table (the import's staged rows) can use them.
            models.Index(fields=["normalized_mobile"], name="contacts_mobile", condition=ACTIVE,
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["normalized_landline"], name="contacts_landline", condition=ACTIVE,
                         opclasses=["varchar_pattern_ops"]),
            models.Index(OpClass(Reverse("normalized_mobile"), name="text_pattern_ops"), name="contacts_mobile_end",
                         condition=ACTIVE),
            models.Index(OpClass(Reverse("normalized_landline"), name="text_pattern_ops"), name="contacts_landline_end",
                         condition=ACTIVE),
            # birthdays_on(day): whose birthday falls on a month and day.
            models.Index(ExtractMonth("birthday"), ExtractDay("birthday"), name="contacts_birthday",
                         condition=ACTIVE & Q(birthday__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.customer.get_absolute_url() + f"#contact-{self.pk}"

    @property
    def phones(self) -> list[str]:
        return [phone for phone in (self.mobile, self.landline) if phone]


class ContactChange(models.Model):
    """Append-only: what a contact was before each add, edit or removal, who did it and when."""

    class Action(models.TextChoices):
        ADDED = "added", pgettext_lazy("contact change", "Added")
        EDITED = "edited", _("Edited")
        REMOVED = "removed", _("Removed")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)  # the edited fields before the change
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["contact", "-created_at"], name="contacts_change_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"


class FollowUpContact(models.Model):
    """Whom a follow-up was with (crm.FollowUp knows nothing of contacts: the link lives here)."""

    followup = models.OneToOneField("crm.FollowUp", on_delete=models.CASCADE, related_name="contact_link",
                                    primary_key=True)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="followup_links")

    def __str__(self) -> str:
        return f"{self.followup_id} with {self.contact_id}"
