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
    """Deals opened per local day and owner, by outcome (stage kind) and the furthest open stage
    (its order) each reached, before the refresh: the funnel of the deals report."""

    day = models.DateField()
    owner = _person("+")
    kind = models.CharField(max_length=10)
    reach = models.IntegerField(null=True)
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        indexes = [models.Index(fields=["day"], include=["owner", "kind", "reach", "deals", "amount"],
                                name="report_deal_opened_day")]


class DealWonDay(models.Model):
    """Deals won per signing day, owner, source and customer industry, with their revenue and the
    days from the customer's first contact to the signature (summed)."""

    day = models.DateField()
    owner = _person("+")
    source = models.CharField(max_length=20)
    industry = models.CharField(max_length=100)
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    days = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], include=["owner", "source", "industry", "deals", "amount", "days"],
                                name="report_deal_won_day")]


class DealLostDay(models.Model):
    """Deals lost per local day, owner and reason."""

    day = models.DateField()
    owner = _person("+")
    lost_reason_id = models.IntegerField(null=True)
    deals = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        indexes = [models.Index(fields=["day"], include=["owner", "lost_reason_id", "deals", "amount"],
                                name="report_deal_lost_day")]
