"""What a work-plan export holds (issue 21.4: each app declares its own export columns; the
transfers app writes them, with its cell widgets and formula guard). Plain data, so workplans
needs nothing from transfers: (name, label, values() expression, kind), where kind is "text",
"datetime" (local time) or a TextChoices class (shown by its label in the reader's language)."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy

from workplans.models import Plan

AUTHOR_NAME = Coalesce(NullIf("author__full_name", Value("")), "author__username")  # full name, else login

EXPORT_COLUMNS = [
    ("subject", gettext_lazy("Subject"), F("subject"), "text"),
    ("author", gettext_lazy("Salesperson"), AUTHOR_NAME, "text"),
    ("start_at", gettext_lazy("Start time"), F("start_at"), "datetime"),
    ("end_at", gettext_lazy("End time"), F("end_at"), "datetime"),
    ("status", gettext_lazy("Status"), F("status"), Plan.Status),
    ("content", gettext_lazy("Content"), F("content"), "text"),
    ("remarks", gettext_lazy("Remarks"), F("remarks"), "text"),
    ("completed_at", gettext_lazy("Completed at"), F("completed_at"), "datetime"),
]
