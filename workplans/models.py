from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """One item of a salesperson's plan (SPEC §4). Overdue is derived, never stored."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not completed")
        DONE = "done", _("Completed")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("salesperson"), on_delete=models.CASCADE, related_name="plans",
        db_index=False,  # plan_author_start leads with the author: a second index would only slow inserts
    )
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    start_at = models.DateTimeField(_("start time"))
    end_at = models.DateTimeField(_("end time"))
    customers = models.ManyToManyField(
        "crm.Customer", verbose_name=_("customers"), blank=True, related_name="plans",
        help_text=_("Optional: the customers this plan is about."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["start_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_at__gt=F("start_at")), name="plan_ends_after_it_starts"),
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True) | Q(status="done", completed_at__isnull=False),
                name="plan_completed_at_matches_status",
            ),
        ]
        # The list's capped count walks up to 10,001 entries in start order: each index carries
        # (INCLUDE) what the filters and the count read, so the walk never visits the table.
        indexes = [
            # A person's plans in a window (salesperson lists, agenda, today, supervisors per person).
            models.Index(fields=["author", "start_at"], include=["id", "status", "end_at"], name="plan_author_start"),
            # Everyone's plans in a window (admin lists; a supervisor's few people among everyone).
            models.Index(fields=["start_at"], include=["id", "author", "status", "end_at"], name="plan_start"),
            # Overdue and not-completed filters: the open plans are the few, so index only them.
            models.Index(
                fields=["author", "start_at"], include=["id", "end_at"], condition=Q(status="open"),
                name="plan_open_author_start",
            ),
            models.Index(
                fields=["start_at"], include=["id", "author", "end_at"], condition=Q(status="open"),
                name="plan_open_start",
            ),
            # Completed (or open) plans of any time, newest first: without it the walk down
            # plan_start passes every future open plan first (80,000 rows for a supervisor).
            models.Index(fields=["status", "start_at"], include=["id", "author"], name="plan_status_start"),
            # This week's summary and other "by end time" questions.
            models.Index(fields=["status", "end_at"], name="plan_status_end"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("workplans:plan-detail", kwargs={"pk": self.pk})

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    def is_overdue_at(self, now) -> bool:
        """Not completed and past its end time (SPEC §4.2.B); a plan ending exactly now is not late yet."""
        return self.status == self.Status.OPEN and self.end_at < now

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())

    @property
    def is_confirmed(self) -> bool:
        return self.is_done and self.confirmed_at is not None


class PlanStatusChange(models.Model):
    """Append-only: who changed a plan's status, when, and how (SPEC §4.2.D)."""

    class Action(models.TextChoices):
        COMPLETED = "completed", _("marked completed")
        CONFIRMED = "confirmed", _("confirmed completion")
        REOPENED = "reopened", _("reopened")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="status_changes")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=Plan.Status.choices)
    to_status = models.CharField(_("to"), max_length=10, choices=Plan.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("plan status change")
        verbose_name_plural = _("plan status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["plan", "at"], name="plan_status_change_plan_at")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.from_status} -> {self.to_status}"
