from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bulletin.models import EMOJI, GUEST_NAME_MAX, Emoticon, Post, Reply, Suggestion, SuggestionReply

HONEYPOT = "website"
LOOKS_AUTOMATED = _("Your message was not posted because it looked automated. Please reload the page and try again.")


class _GuestFields(forms.ModelForm):
    """Adds, for a visitor without login, the name they post under and a honeypot for bots.

    The honeypot is a text field people never see (it is hidden with CSS, skipped by the
    keyboard and screen readers); a simple bot fills it in and is refused.
    """

    def __init__(self, *args, guest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.guest = guest
        if guest:
            self.fields["guest_name"] = forms.CharField(
                label=_("Your name"),
                max_length=GUEST_NAME_MAX,
                help_text=_("You are not logged in: your message is shown under this name, marked as a guest."),
            )
            self.fields[HONEYPOT] = forms.CharField(
                label=_("Leave this field empty"),
                required=False,
                widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            )
            self.order_fields(["guest_name"])  # who is posting comes first

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT]

    @property
    def honeypot(self):
        return self[HONEYPOT] if HONEYPOT in self.fields else None

    def clean(self):
        data = super().clean()
        if self.guest and data.get(HONEYPOT):
            raise forms.ValidationError(LOOKS_AUTOMATED, code="honeypot")
        return data


def _emoticon_choices():
    return [(value, format_lazy("{} {}", EMOJI[value], label)) for value, label in Emoticon.choices]


class PostForm(_GuestFields):
    emoticon = forms.ChoiceField(
        label=_("Emoticon"), choices=_emoticon_choices, initial=Emoticon.SMILE, widget=forms.RadioSelect
    )

    class Meta:
        model = Post
        fields = ["title", "emoticon", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}


class ReplyForm(_GuestFields):
    class Meta:
        model = Reply
        fields = ["content"]
        labels = {"content": _("Your reply")}
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}


class SuggestionForm(forms.ModelForm):
    SIGNED, ANONYMOUS = "signed", "anonymous"

    sign_as = forms.ChoiceField(
        label=_("Send it"),
        choices=[
            (SIGNED, _("Signed with my name: I can read management's replies under \"My suggestions\"")),
            (ANONYMOUS, _("Anonymously: nothing links it to me, so I will not see it or its replies again")),
        ],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Suggestion
        fields = ["title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}

    @property
    def anonymous(self) -> bool:
        return self.cleaned_data["sign_as"] == self.ANONYMOUS


class SuggestionReplyForm(forms.ModelForm):
    class Meta:
        model = SuggestionReply
        fields = ["content"]
        labels = {"content": _("Your reply")}
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}


def compact_window_form(form):
    """The shared custom-window form, styled for one line of small inputs above a list."""
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs["class"] = css
    return form
