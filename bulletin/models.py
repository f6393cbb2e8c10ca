from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 100
CONTENT_MAX = 5000
GUEST_NAME_MAX = 30


class Emoticon(models.TextChoices):
    SMILE = "smile", _("Smile")
    GRIN = "grin", _("Happy")
    THUMBS_UP = "thumbs_up", _("Thumbs up")
    IDEA = "idea", _("Idea")
    PARTY = "party", _("Celebrate")
    QUESTION = "question", _("Question")
    THINKING = "thinking", _("Thinking")
    SAD = "sad", _("Sad")
    COFFEE = "coffee", _("Coffee")


# Unicode characters, not images: nothing is fetched from another host.
EMOJI = {
    Emoticon.SMILE: "\U0001f60a",
    Emoticon.GRIN: "\U0001f604",
    Emoticon.THUMBS_UP: "\U0001f44d",
    Emoticon.IDEA: "\U0001f4a1",
    Emoticon.PARTY: "\U0001f389",
    Emoticon.QUESTION: "\u2753",
    Emoticon.THINKING: "\U0001f914",
    Emoticon.SAD: "\U0001f622",
    Emoticon.COFFEE: "\u2615",
}


class _Authored(models.Model):
    """Written by a logged-in person (author) or by a guest who typed a name (guest_name)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    guest_name = models.CharField(_("guest name"), max_length=GUEST_NAME_MAX, blank=True)
    content = models.TextField(_("content"), max_length=CONTENT_MAX)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_guest(self) -> bool:
        return self.author_id is None

    @property
    def poster_name(self) -> str:
        return self.guest_name if self.is_guest else self.author.display_name


class Post(_Authored):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    emoticon = models.CharField(_("emoticon"), max_length=20, choices=Emoticon.choices, default=Emoticon.SMILE)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["-created_at", "-id"], name="bulletin_post_newest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=False) | ~Q(guest_name=""), name="bulletin_post_has_poster"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletin:post-detail", kwargs={"pk": self.pk})

    @property
    def emoji(self) -> str:
        return EMOJI.get(self.emoticon, EMOJI[Emoticon.SMILE])


class Reply(_Authored):
    post = models.ForeignKey(Post, verbose_name=_("message"), on_delete=models.CASCADE, related_name="replies")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [models.Index(fields=["post", "created_at"], name="bulletin_reply_thread")]
        constraints = [
            models.CheckConstraint(
                condition=Q(author__isnull=False) | ~Q(guest_name=""), name="bulletin_reply_has_poster"
            ),
        ]

    def __str__(self) -> str:
        return self.content[:50]

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#reply-{self.pk}"


class Suggestion(models.Model):
    """A suggestion to management. author is NULL when it was sent anonymously: no other
    column, table, log or cache entry links an anonymous suggestion to its sender."""

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    content = models.TextField(_("content"), max_length=CONTENT_MAX)
    # Removed with the person (SPEC §7.3: a departed person's suggestions are removed).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signed_suggestions",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="bulletin_sugg_newest"),
            models.Index(fields=["author", "-created_at"], name="bulletin_sugg_author_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("bulletin:suggestion-detail", kwargs={"pk": self.pk})

    @property
    def is_anonymous(self) -> bool:
        return self.author_id is None


class SuggestionReply(models.Model):
    """Management's answer to a suggestion; a signed author reads it on "My suggestions"."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("content"), max_length=CONTENT_MAX)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reply to a suggestion")
        verbose_name_plural = _("replies to suggestions")
        indexes = [models.Index(fields=["suggestion", "created_at"], name="bulletin_sugg_reply_thread")]

    def __str__(self) -> str:
        return self.content[:50]
