"""Who may read, post on and moderate the message board, and who may see suggestions.

Message board (SPEC §5): every employee with a sales role reads, posts and replies; an
anonymous visitor may too while `BULLETIN_ALLOW_GUEST_POSTS` is on; only an admin edits or
deletes. The backup operator sees nothing (SPEC §8.4).

Suggestions box (SPEC §6): only management reads suggestions. An admin sees all of them; a
supervisor sees the signed suggestions of the people in the groups they supervise, their own,
and every anonymous one (nobody knows whose group it came from, so all management sees it).
The author of a signed suggestion sees it and its replies. Deleting an anonymous suggestion is
for an admin only, so that one supervisor cannot remove what all management should read.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.policies import has_sales_role, is_admin, may_read_suggestions, supervised_group_ids
from bulletin.models import Post, Reply, Suggestion

# --- Message board ----------------------------------------------------------------------------


def guests_may_post() -> bool:
    return bool(settings.BULLETIN_ALLOW_GUEST_POSTS)


def may_use_board(user) -> bool:
    """Read, post and reply: staff with a sales role, and guests while the setting allows."""
    if user.is_authenticated:
        return has_sales_role(user)
    return guests_may_post()


def may_moderate_board(user) -> bool:
    """Edit and delete messages and replies (SPEC §5.1, §5.2.C)."""
    return is_admin(user)


def visible_posts(user) -> QuerySet[Post]:
    return Post.objects.all() if may_use_board(user) else Post.objects.none()


def visible_replies(user) -> QuerySet[Reply]:
    return Reply.objects.all() if may_use_board(user) else Reply.objects.none()


def get_post_for(user, pk: int, *, write: bool = False) -> Post:
    """The message if `user` may read it (else 404); with write=True, 403 unless they may moderate."""
    post = get_object_or_404(visible_posts(user), pk=pk)
    if write and not may_moderate_board(user):
        raise PermissionDenied
    return post


def get_reply_for(user, pk: int, *, write: bool = False) -> Reply:
    reply = get_object_or_404(visible_replies(user).select_related("post"), pk=pk)
    if write and not may_moderate_board(user):
        raise PermissionDenied
    return reply


def board_view(view):
    """Guard a board view: guests go to log in unless the setting lets them in; the backup
    operator (or an inactive account) gets the 404 of an unknown page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated and not guests_may_post():
            return redirect_to_login(request.get_full_path())
        if not may_use_board(user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


# --- Suggestions box --------------------------------------------------------------------------


def may_send_suggestions(user) -> bool:
    return user.is_authenticated and has_sales_role(user)


def is_management(user) -> bool:
    """Supervisors and admins read suggestions (SPEC §6.3)."""
    return may_read_suggestions(user)


def visible_suggestions(user) -> QuerySet[Suggestion]:
    """Admin: all. Supervisor: their groups' people, their own, every anonymous one.
    Anyone else with a sales role: their own signed suggestions."""
    if not may_send_suggestions(user):
        return Suggestion.objects.none()
    if user.is_admin:
        return Suggestion.objects.all()
    if user.is_supervisor:
        return Suggestion.objects.filter(
            Q(author__isnull=True) | Q(author=user) | Q(author__sales_group_id__in=supervised_group_ids(user))
        )
    return Suggestion.objects.filter(author=user)


def may_reply_to_suggestion(user, suggestion: Suggestion) -> bool:
    return is_management(user)  # on a suggestion they can see


def may_delete_suggestion(user, suggestion: Suggestion) -> bool:
    if user.is_authenticated and is_admin(user):
        return True
    return is_management(user) and not suggestion.is_anonymous


def get_suggestion_for(user, pk: int, *, write: bool = False, delete: bool = False) -> Suggestion:
    """The suggestion if `user` may see it (else 404). write=True: they must be management
    (to reply); delete=True: they must be allowed to delete it. Otherwise 403."""
    suggestion = get_object_or_404(visible_suggestions(user), pk=pk)
    if write and not may_reply_to_suggestion(user, suggestion):
        raise PermissionDenied
    if delete and not may_delete_suggestion(user, suggestion):
        raise PermissionDenied
    return suggestion
