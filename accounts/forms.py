from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's form: one message for a wrong username or password, never saying which."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the field's max_length after building it, so no validator checks it: add one.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length or 150))
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control", "autocomplete": "current-password"})
