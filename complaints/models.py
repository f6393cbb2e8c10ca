"""Complaints and service requests (issue 25): logged on a customer, answered against deadlines,
every step kept. A complaint is open until it is closed; while a customer has an open complaint
it is flagged on the lists and recycle_pool leaves it with its salesperson (complaints.holds)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 5000  # a description or a note: a few paragraphs, not a pasted document
ANSWER_HOURS = 24  # the source material's measure: answered within 24 hours


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat")
    VISIT = "visit", _("In person")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class Category(models.TextChoices):
    PRODUCT = "product", _("Product quality")
    SERVICE = "service", _("Service request")
    DELIVERY = "delivery", _("Delivery")
    BILLING = "billing", _("Billing")
    ATTITUDE = "attitude", _("Staff attitude")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class State(models.TextChoices):
    NEW = "new", _("New")
    RESPONDED = "responded", _("Responded")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


OPEN_STATES = [State.NEW, State.RESPONDED, State.RESOLVED, State.REOPENED]
UNRESOLVED_STATES = [State.NEW, State.RESPONDED, State.REOPENED]


class Complaint(models.Model):
    customer = models.ForeignKey("crm.Customer", on_delete=models.CASCADE, related_name="complaints",
                                 verbose_name=_("customer"))
    # Who held the customer when it complained: the reports count the complaint for them.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("salesperson"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.SERVICE)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    description = models.TextField(_("description"), max_length=MAX_TEXT)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    response_due_at = models.DateTimeField(_("respond by"))
    resolution_due_at = models.DateTimeField(_("resolve by"))
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    followups = models.ManyToManyField("crm.FollowUp", blank=True, related_name="complaints",
                                       verbose_name=_("answering follow-ups"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The hold on recycling and the badge on the lists: a customer's open complaints.
            models.Index(fields=["customer"], condition=~Q(state="closed"), name="complaint_open_customer"),
            models.Index(fields=["-created_at", "-id"], name="complaint_created"),
            models.Index(fields=["owner", "-created_at"], name="complaint_owner_created"),
            # The escalation job: unresolved complaints by deadline.
            models.Index(fields=["response_due_at"], condition=Q(state="new"), name="complaint_response_due"),
            models.Index(fields=["resolution_due_at"], condition=Q(state__in=["new", "responded", "reopened"]),
                         name="complaint_resolution_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.customer_id}"

    def get_absolute_url(self) -> str:
        return reverse("complaints:complaint-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    def response_overdue(self, now) -> bool:
        return self.responded_at is None and self.state in UNRESOLVED_STATES and self.response_due_at < now

    def resolution_overdue(self, now) -> bool:
        return self.state in UNRESOLVED_STATES and self.resolution_due_at < now

    @property
    def response_hours(self) -> float | None:
        if self.responded_at is None:
            return None
        return (self.responded_at - self.created_at).total_seconds() / 3600

    @property
    def answered_within_day(self) -> bool | None:
        hours = self.response_hours
        return None if hours is None else hours <= ANSWER_HOURS


class Step(models.Model):
    """One step of a complaint: from which state to which, who, when, with a note. Never changed."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), max_length=MAX_TEXT, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_step_at")]


class Deadline(models.Model):
    """The company's deadlines for one severity (admin page); without a row, DEFAULT_HOURS."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    response_hours = models.PositiveIntegerField(_("respond within (hours)"))
    resolution_hours = models.PositiveIntegerField(_("resolve within (hours)"))
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.get_severity_display()


# severity -> (response hours, resolution hours)
DEFAULT_HOURS = {
    Severity.LOW: (24, 168),
    Severity.NORMAL: (24, 72),
    Severity.HIGH: (24, 48),
    Severity.CRITICAL: (4, 24),
}
