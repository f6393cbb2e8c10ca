"""Deals (商机): the money side of the funnel (issue 22). A deal belongs to a customer and, while
it is open, follows the customer's owner (deals/followers.py); a won or lost deal keeps the
salesperson who closed it, for the revenue statistics."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from companylists import lists
from crm.models import Customer, FollowUp

MAX_AMOUNT = Decimal("999999999999.99")  # under 10^12 CNY: anything larger is a typing mistake
AMOUNT_LIMITS = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]
PERCENT_LIMITS = [MinValueValidator(0), MaxValueValidator(100)]


class Named(models.Model):
    """A company list entry named in both languages; the reader's language picks the name."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    @property
    def name(self) -> str:
        chinese = (translation.get_language() or "").lower().startswith("zh")
        return (self.name_zh if chinese else self.name_en) or self.name_zh or self.name_en

    def __str__(self):
        return self.name


class Stage(Named):
    """A step of the sales process; the company edits the list (admins)."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    probability = models.PositiveSmallIntegerField(_("default probability (%)"), default=10, validators=PERCENT_LIMITS)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OPEN)

    class Meta(Named.Meta):
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="deal_stage_probability_max_100"),
        ]

    @property
    def is_open(self) -> bool:
        return self.kind == self.Kind.OPEN


class LostReason(Named):
    class Meta(Named.Meta):
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")


class Deal(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="deals")
    # NULL while the customer is in the pool (an open deal follows its customer).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="deals", db_index=False)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2, validators=AMOUNT_LIMITS)
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals")
    probability = models.PositiveSmallIntegerField(_("probability (%)"), validators=PERCENT_LIMITS)
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)
    won_amount = models.DecimalField(_("signed amount (CNY)"), max_digits=14, decimal_places=2, null=True,
                                     blank=True, validators=AMOUNT_LIMITS)
    won_on = models.DateField(_("signed on"), null=True, blank=True)
    lost_reason = models.ForeignKey(LostReason, verbose_name=_("lost reason"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    lost_note = models.CharField(_("what happened"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=20, blank=True)  # a key of companylists' sources
    notes = models.TextField(_("products and notes"), blank=True, max_length=20000)
    custom = models.JSONField(_("custom fields"), default=dict, db_default={}, blank=True)  # customfields
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_not_negative"),
            models.CheckConstraint(condition=Q(won_amount__isnull=True) | Q(won_amount__gte=0),
                                   name="deal_won_amount_not_negative"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="deal_probability_max_100"),
        ]
        indexes = [
            models.Index(fields=["owner", "stage"], name="deal_owner_stage"),
            models.Index(fields=["customer", "stage"], name="deal_customer_stage"),
            models.Index(fields=["expected_close_on"], name="deal_expected_close"),
            # The deals report counts a salesperson's or a group's deals live by these dates.
            models.Index(fields=["owner", "created_at"], include=["stage", "amount"], name="deal_owner_created"),
            models.Index(fields=["owner", "won_on"], name="deal_owner_won", condition=Q(won_on__isnull=False)),
            models.Index(fields=["owner", "closed_at"], name="deal_owner_closed", condition=Q(closed_at__isnull=False)),
            # Won deals by signing date (revenue classification, target progress): won_on is set
            # on won deals only (services.deal_move).
            models.Index(fields=["won_on"], include=["customer", "owner", "won_amount"], name="deal_won_on",
                         condition=Q(won_on__isnull=False)),
        ]

    def __str__(self):
        return self.title

    def get_source_display(self) -> str:
        """The source's label in the reader's language (companylists), empty when none."""
        return lists.label(lists.SOURCE, self.source) if self.source else ""

    def get_absolute_url(self):
        return reverse("deals:deal-detail", args=[self.pk])

    def is_overdue(self, today) -> bool:
        """Still open after its expected close date."""
        return self.stage.is_open and self.expected_close_on is not None and self.expected_close_on < today


class StageChange(models.Model):
    """Append-only: every move of a deal between stages, with who and when."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]


class Instalment(models.Model):
    """A payment the customer is due to make on a won deal (回款计划)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2, validators=AMOUNT_LIMITS)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deal_instalment_positive")]


class Payment(models.Model):
    """Money received on a won deal (回款)."""

    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        ALIPAY = "alipay", _("Alipay")
        WECHAT = "wechat", _("WeChat Pay")
        OTHER = "other", _("Other")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2, validators=AMOUNT_LIMITS)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.TRANSFER)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deal_payment_positive")]


class DealFollowUp(models.Model):
    """A conversation (crm follow-up) about a deal: chosen on the follow-up form of the deal's
    customer (crm.followup_extras), shown on the deal's page and on the follow-up's."""

    followup = models.OneToOneField(FollowUp, on_delete=models.CASCADE, primary_key=True, related_name="deal_link")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="followup_links")

    class Meta:
        verbose_name = _("conversation about a deal")
        verbose_name_plural = _("conversations about deals")
class DealSettings(models.Model):
    """The company's deal settings that are not lists (one row, pk 1; admins edit it beside the
    stages). Read with `DealSettings.current()`."""

    a_class_becomes_vip = models.BooleanField(
        _("A-class customers become VIP"), default=False,
        help_text=_("The nightly revenue classification also makes every A-class customer a VIP customer, so "
                    "follow-up reminders and recycling follow revenue. Nobody is made normal again."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deal settings")

    @classmethod
    def current(cls) -> "DealSettings":
        return cls.objects.get_or_create(pk=1)[0]


MAX_TARGET = Decimal("99999999999.99")  # a month's target under 10^11 CNY
MAX_TARGET_COUNT = 1_000_000


class Target(models.Model):
    """A month's target (销售目标) for one salesperson or one sales group: the amount won, and
    optionally new customers and follow-ups. Quarter and year targets are the months' sums."""

    month = models.DateField(_("month"))  # always the 1st
    salesperson = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    sales_group = models.ForeignKey("accounts.SalesGroup", verbose_name=_("sales group"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="+")
    amount = models.DecimalField(_("amount won (CNY)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_TARGET)])
    new_customers = models.PositiveIntegerField(_("new customers"), null=True, blank=True,
                                                validators=[MaxValueValidator(MAX_TARGET_COUNT)])
    followups = models.PositiveIntegerField(_("follow-ups"), null=True, blank=True,
                                            validators=[MaxValueValidator(MAX_TARGET_COUNT)])
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["month", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(salesperson__isnull=True) ^ Q(sales_group__isnull=True),
                                   name="deal_target_person_or_group"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_target_amount_not_negative"),
            models.UniqueConstraint(fields=["salesperson", "month"], name="deal_target_person_month",
                                    condition=Q(salesperson__isnull=False)),
            models.UniqueConstraint(fields=["sales_group", "month"], name="deal_target_group_month",
                                    condition=Q(sales_group__isnull=False)),
        ]
