"""Writes for the message board and the suggestions box.

Nothing here logs: an anonymous suggestion must leave no trace of its sender, and the board
has nothing worth logging that the rows do not already say.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bulletin import ratelimit
from bulletin.models import Post, Reply, Suggestion, SuggestionReply


class Refused(Exception):
    """A write that was refused for a reason the person should read (rate limit, deleted message)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


GUEST_RATE_LIMITED = _("You have posted several times in the last few minutes. Please wait a while before posting again.")
POST_GONE = _("The message you replied to has been deleted, so your reply was not saved.")
SUGGESTIONS_RATE_LIMITED = _("You have sent the most suggestions allowed for now. Please try again tomorrow.")
ANONYMOUS_BOX_FULL = _(
    "The suggestions box has received the most anonymous suggestions it takes today. "
    "Please try again tomorrow, or send yours signed."
)


def _poster(by, guest_name: str, ip: str | None) -> dict:
    """Who the row names: the logged-in person, or the guest's typed name (rate-limited per IP)."""
    if by is not None and by.is_authenticated:
        return {"author": by, "guest_name": ""}
    if not ratelimit.guest_allow(ip or "unknown"):
        raise Refused(GUEST_RATE_LIMITED)
    return {"author": None, "guest_name": guest_name.strip()}


# Apps above bulletin (notifications) learn of new replies here, inside the reply's transaction:
# bulletin cannot import them. A listener gets the new Reply or SuggestionReply.
_reply_listeners: list = []


def register_reply_listener(listener) -> None:
    if listener not in _reply_listeners:
        _reply_listeners.append(listener)


def _tell_listeners(reply) -> None:
    for listener in _reply_listeners:
        listener(reply)


@transaction.atomic
def post_create(*, title: str, emoticon: str, content: str, by, guest_name: str = "", ip: str | None = None) -> Post:
    """Post a message as `by`, or as a guest named `guest_name` when `by` is anonymous."""
    return Post.objects.create(title=title, emoticon=emoticon, content=content, **_poster(by, guest_name, ip))


@transaction.atomic
def post_update(*, post: Post, title: str, emoticon: str, content: str, by) -> Post:
    """An admin's correction of a message; the page shows that it was edited (saved unchanged, it was not)."""
    stored = Post.objects.filter(pk=post.pk).values_list("title", "emoticon", "content").first()
    if stored == (title, emoticon, content):  # the form already set them on `post`: compare with the row
        return post
    post.title, post.emoticon, post.content = title, emoticon, content
    post.edited_at = timezone.now()
    post.save(update_fields=["title", "emoticon", "content", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, post: Post, by) -> None:
    """Delete a message and its replies (an admin removing something inappropriate)."""
    post.delete()


@transaction.atomic
def reply_create(*, post: Post, content: str, by, guest_name: str = "", ip: str | None = None) -> Reply:
    """Reply to a message. Locks the message so a delete running at the same time wins cleanly."""
    if not Post.objects.select_for_update().filter(pk=post.pk).exists():
        raise Refused(POST_GONE)
    reply = Reply.objects.create(post=post, content=content, **_poster(by, guest_name, ip))
    _tell_listeners(reply)
    return reply


@transaction.atomic
def reply_update(*, reply: Reply, content: str, by) -> Reply:
    if Reply.objects.filter(pk=reply.pk).values_list("content", flat=True).first() == content:  # saved unchanged
        return reply
    reply.content = content
    reply.edited_at = timezone.now()
    reply.save(update_fields=["content", "edited_at"])
    return reply


@transaction.atomic
def reply_delete(*, reply: Reply, by) -> None:
    reply.delete()


@transaction.atomic
def suggestion_create(*, title: str, content: str, anonymous: bool, by, sent_before: int = 0) -> Suggestion | None:
    """Send a suggestion to management, signed or anonymous.

    An anonymous suggestion is stored with no author and the function returns None, so no
    caller can put its id next to the sender (in a redirect URL, a message, a log line).
    `sent_before` is how many suggestions the sender's browser says it sent in this window
    (ratelimit.suggestions_sent); the server's own counters are per person for signed ones
    and one company-wide counter for anonymous ones, never one that belongs to the sender.
    """
    if sent_before >= settings.BULLETIN_SUGGESTION_LIMIT:
        raise Refused(SUGGESTIONS_RATE_LIMITED)
    if anonymous and not ratelimit.anonymous_suggestion_allow():
        raise Refused(ANONYMOUS_BOX_FULL)
    if not anonymous and not ratelimit.signed_suggestion_allow(by):
        raise Refused(SUGGESTIONS_RATE_LIMITED)
    suggestion = Suggestion.objects.create(title=title, content=content, author=None if anonymous else by)
    return None if anonymous else suggestion


@transaction.atomic
def suggestion_reply(*, suggestion: Suggestion, content: str, by) -> SuggestionReply:
    """Management's answer; the signed author reads it on their "My suggestions" page."""
    reply = SuggestionReply.objects.create(suggestion=suggestion, content=content, author=by)
    _tell_listeners(reply)
    return reply


@transaction.atomic
def suggestion_delete(*, suggestion: Suggestion, by) -> None:
    """Delete a suggestion that will not be adopted (SPEC §6.4), with its replies."""
    suggestion.delete()


@transaction.atomic
def suggestions_delete_of(*, person, by) -> int:
    """Remove a departed person's signed suggestions (SPEC §7.3); anonymous ones cannot be
    found and stay. Returns how many were removed. For the offboarding work in crm."""
    theirs = Suggestion.objects.filter(author=person)
    count = theirs.count()
    theirs.delete()
    return count
