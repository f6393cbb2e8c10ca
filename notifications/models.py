"""Notifications (issue 24): what a person is told, how it travels, and what they asked for.

A notification keeps its kind and the facts of the moment (`params`: names and counts as they
were) and is worded when it is shown or sent, in the reader's language: the list follows the
language switcher, an e-mail or a robot message the person's chosen language (Preference).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PLAN_LEAD_MINUTES = 24 * 60
MAX_BIRTHDAY_LEAD_DAYS = 30


class Kind(models.TextChoices):
    HANDOVER = "handover", _("Customers handed to you")
    SHARED = "shared", _("A colleague shared a customer with you")
    RECYCLE_SOON = "recycle_soon", _("Your customers going back to the pool soon")
    DIGEST = "digest", _("Morning digest")
    COMPLAINT_NEW = "complaint_new", _("A complaint from your customer")
    COMPLAINT_ESCALATED = "complaint_late", _("A complaint near or past its response deadline")
    COMPLAINT_OVERDUE = "complaint_overdue", _("A complaint past its resolution deadline")
    PLAN_SOON = "plan_soon", _("A plan of yours starts soon")
    PLAN_OVERDUE = "plan_overdue", _("A plan of yours became overdue")
    SUGGESTION_REPLY = "suggestion_reply", _("A reply to your suggestion")
    BOARD_REPLY = "board_reply", _("A reply to your board message")
    GROUP_DIGEST = "group_digest", _("Your group's daily digest (supervisors)")
    BIRTHDAY = "birthday", _("A birthday of a contact at your customer")
    ANNIVERSARY = "anniversary", _("A customer's anniversary of working with us")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the CRM")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)  # a path of ours; opening it goes through its app's policy
    key = models.CharField(max_length=120)  # idempotency: one notification per recipient and key
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notif_recipient_key_uniq")]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_created"),
            # The bell's count on every page reads only this.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Delivery(models.Model):
    """One notification on one outside channel (e-mail, a robot). In-app needs none."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RETRYING = "retrying", _("Retrying")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Dropped (too old)")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    webhook = models.ForeignKey("Webhook", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel", "webhook"], name="delivery_once",
                                    nulls_distinct=False),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status__in=["pending", "retrying"]),
                         name="delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"


class Webhook(models.Model):
    """A WeCom, DingTalk or Feishu group robot: a person's own, or a sales group's (set by an admin)."""

    class Provider(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        FEISHU = "feishu", _("Feishu (飞书)")

    provider = models.CharField(_("robot"), max_length=10, choices=Provider.choices)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="webhook")
    sales_group = models.OneToOneField("accounts.SalesGroup", null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="webhook")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=True) ^ Q(sales_group__isnull=True),
                                   name="webhook_user_xor_group"),
        ]

    def __str__(self) -> str:
        return self.get_provider_display()


class Preference(models.Model):
    """What one person asked for; without a row, the company defaults (settings.NOTIFY_DEFAULTS)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference")
    channels = models.JSONField(default=dict, blank=True)  # kind -> [channel, ...]; a missing kind: the default
    language = models.CharField(_("language"), max_length=10, blank=True)  # e-mails and robots; blank: the company's
    quiet_from = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest_at = models.TimeField(_("morning digest at"), null=True, blank=True)  # blank: NOTIFY_DIGEST_TIME
    feed_phones = models.BooleanField(_("show phone numbers in the calendar"), default=False)
    plan_lead_minutes = models.PositiveSmallIntegerField(  # blank: NOTIFY_PLAN_LEAD_MINUTES
        _("remind me of a plan this many minutes before"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLAN_LEAD_MINUTES)])
    birthday_lead_days = models.PositiveSmallIntegerField(  # blank: on the day itself
        _("tell me of birthdays and anniversaries this many days before"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BIRTHDAY_LEAD_DAYS)])
    feed_birthdays = models.BooleanField(_("show birthdays and anniversaries in the calendar"), default=False)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class CalendarFeed(models.Model):
    """A person's secret calendar address. Its own table, kept out of backups with the robots'
    (backups.postgres.excluded_table_data): a restored database starts with no working feed address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"


class CustomerSince(models.Model):
    """A customer's "customer since" date: the signing date of its first won deal (its
    anniversary, 合作周年). Derived from deals, kept by notifications/since.py (at once when a deal
    is saved or deleted, and by the nightly `notify_refresh_since` for bulk writes), so the
    morning job and the calendar feed read one indexed row per customer instead of grouping
    every won deal."""

    customer = models.OneToOneField("crm.Customer", primary_key=True, on_delete=models.CASCADE,
                                    related_name="+", db_constraint=True)
    since = models.DateField()

    class Meta:
        indexes = [
            # anniversaries_by_owner(day): whose first won deal falls on a month and day.
            models.Index(ExtractMonth("since"), ExtractDay("since"), name="notif_since_month_day"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} since {self.since}"
