"""Reads for the board and the suggestions box, starting from the policy."""

from django.db.models import Count, Prefetch, QuerySet

from bulletin.models import Reply, Suggestion, SuggestionReply
from bulletin.policies import visible_posts, visible_replies, visible_suggestions
from common import timewindows

# One-click windows of SPEC §6.3; "custom" takes dates or "the last N hours/days".
WINDOWS = {
    "today": timewindows.day_window,
    "3days": lambda: timewindows.last(days=3),
    "week": timewindows.week_window,
    "month": timewindows.month_window,
}


def board_posts(user) -> QuerySet:
    """Messages newest first, each with its replies (oldest first) and their posters."""
    replies = visible_replies(user).select_related("author").order_by("created_at", "id")
    return (
        visible_posts(user)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("-created_at", "-id")
    )


def thread(user, post) -> list[Reply]:
    return list(visible_replies(user).filter(post=post).select_related("author").order_by("created_at", "id"))


def suggestion_inbox(user, *, window: timewindows.Window | None = None) -> QuerySet[Suggestion]:
    """Suggestions management may read, newest first, optionally within a time window."""
    suggestions = (
        visible_suggestions(user)
        .select_related("author", "author__sales_group")
        .annotate(reply_count=Count("replies"))
        .order_by("-created_at", "-id")
    )
    if window is not None:
        suggestions = suggestions.filter(**window.as_filter("created_at"))
    return suggestions


def own_suggestions(user) -> QuerySet[Suggestion]:
    """The person's own signed suggestions with management's replies."""
    replies = SuggestionReply.objects.select_related("author").order_by("created_at", "id")
    return (
        visible_suggestions(user)
        .filter(author=user)
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("-created_at", "-id")
    )


def suggestion_replies(suggestion) -> list[SuggestionReply]:
    return list(suggestion.replies.select_related("author").order_by("created_at", "id"))
