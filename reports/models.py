"""Small summary tables behind the company-wide reports, rebuilt by `manage.py refresh_reports`
(nightly, see docs/operations.md). A supervisor's reports count their groups' rows live; the
whole company's read these plus the rows written since the last refresh. The tables keep the
names they had when these models lived in crm (moved without copying a row)."""

from django.conf import settings
from django.db import models


class ReportRefresh(models.Model):
    """One row per rebuild: the summary tables hold everything before `refreshed_at`."""

    refreshed_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "crm_reportrefresh"
        ordering = ["-refreshed_at"]

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


def _person(related_name):
    # No database constraint: a snapshot row must not stop a user's removal; joins still work.
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name=related_name
    )


class CustomerStock(models.Model):
    """Owned customers at the refresh, per owner x type x grade x source x industry."""

    owner = _person("+")
    type = models.CharField(max_length=20)
    grade = models.CharField(max_length=10)
    source = models.CharField(max_length=20)
    industry = models.CharField(max_length=100)
    customers = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField()  # next contact date passed, or no contact within the grade's cadence

    class Meta:
        db_table = "crm_customerstock"


class FollowUpDay(models.Model):
    """Follow-ups per author per local day, of those that happened before the refresh."""

    day = models.DateField()
    author = _person("+")
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "crm_followupday"
        indexes = [models.Index(fields=["day", "author"], include=["count"], name="report_fu_day")]


class CustodyDay(models.Model):
    """Custody rows (changes of owner) per local day, reason and from/to owner, before the refresh."""

    day = models.DateField()
    reason = models.CharField(max_length=20)
    from_owner = _person("+")
    to_owner = _person("+")
    count = models.PositiveIntegerField()

    class Meta:
        db_table = "crm_custodyday"
        indexes = [models.Index(fields=["day", "reason"], include=["from_owner", "to_owner", "count"], name="report_custody_day")]


class HoldingMonth(models.Model):
    """Customers each owner held at local midnight on the first of `month`, from the custody
    history before the refresh: lets a year's retention start from a month instead of summing
    a year of custody rows."""

    month = models.DateField()
    owner = _person("+")
    held = models.IntegerField()
    # Customers the owner gave up / lost to recycling during the month before `month`.
    gave_up = models.IntegerField(default=0)
    recycled = models.IntegerField(default=0)

    class Meta:
        db_table = "crm_holdingmonth"
        indexes = [models.Index(fields=["month", "owner"], include=["held", "gave_up", "recycled"], name="report_holding_month")]


class DealOpenedDay(models.Model):
    """The company's deals opened per local day, by outcome (stage kind) and how far they got
    (the order of their stage, or of the stage a lost one was lost from; NULL when won)."""

    day = models.DateField()
    kind = models.CharField(max_length=10)
    reach = models.IntegerField(null=True)
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        indexes = [models.Index(fields=["day"], include=["kind", "reach", "deals", "amount"], name="report_deal_opened_day")]


class DealWonDay(models.Model):
    """Deals won per signing day and salesperson: how many, the revenue, and the days from the
    customer's first contact to the signature (summed)."""

    day = models.DateField()
    owner = _person("+")
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    days = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], include=["owner", "deals", "amount", "days"], name="report_deal_won_day")]


class DealWonSourceDay(models.Model):
    """Deals won per signing day and source (the deal's, else its customer's)."""

    day = models.DateField()
    source = models.CharField(max_length=20)
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["day"], include=["source", "deals", "amount"], name="report_deal_won_source")]


class DealWonIndustryDay(models.Model):
    """Deals won per signing day and customer industry."""

    day = models.DateField()
    industry = models.CharField(max_length=100)
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["day"], include=["industry", "deals", "amount"], name="report_deal_won_industry")]


class DealLostDay(models.Model):
    """The company's deals lost per local day and reason."""

    day = models.DateField()
    lost_reason_id = models.IntegerField(null=True)
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        indexes = [models.Index(fields=["day"], include=["lost_reason_id", "deals", "amount"], name="report_deal_lost_day")]
