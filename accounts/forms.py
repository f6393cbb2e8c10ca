from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

# What a check of the current password on the password-change form passes to authenticate(), so
# the audit trail names it (accounts/audit.py) while django-axes counts it like a login.
PASSWORD_CHANGE = "password_change"


class LoginForm(AuthenticationForm):
    """Django's form: one message for a wrong username or password, never saying which."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets the field's max_length after building it, so no validator checks it: add one.
        self.fields["username"].validators.append(MaxLengthValidator(self.fields["username"].max_length or 150))
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control", "autocomplete": "current-password"})


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form, but the current password is checked the way a login is (issue 19.8):
    through authenticate(), so django-axes counts each wrong guess against this username and
    address, and after AXES_FAILURE_LIMIT of them both this form and the login wait out the
    cool-off. Each failure is in the audit trail."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password,
                               purpose=PASSWORD_CHANGE)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
