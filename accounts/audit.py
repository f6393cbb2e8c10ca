"""Write the audit trail: who did what, when, to how many, from which address.

Also the login-lockout hooks (django-axes): every failed login and every lockout is recorded
with the client's address, and a locked-out visitor sees the login page with one translated
message that never says whether the username exists.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AuditEvent, User
from common.http import client_ip


def record(*, actor, action: str, summary: str = "", count: int | None = None, request=None, ip=None,
           **data) -> AuditEvent:
    """Append one audit event. `action` is a short dotted name such as "customers.export";
    pass the `request` (or the `ip`) so the trail says where it came from."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None, action=action, summary=summary[:255], count=count,
        ip=ip or client_ip(request), data=data,
    )


# --- Summaries in the reader's language ----------------------------------------------------------

# action -> describe(event) -> the summary in the active language, or None to show it as written
# (rows written before their data was kept). Each app registers the actions it records.
_describers = {}


def register_summary(action: str, describe) -> None:
    _describers[action] = describe


def summary_of(event: AuditEvent) -> str:
    """What the trail says about `event`, in the reader's language (the summary stored with it is
    in the language of whoever acted: "49 customers (csv)" on a Chinese page)."""
    describe = _describers.get(event.action)
    return (describe(event) if describe else None) or event.summary


def with_detail(what, detail) -> str:
    """"49 customers (CSV)", with the reader's brackets."""
    return _("%(what)s (%(detail)s)") % {"what": what, "detail": detail}


def _person_added(event):
    role = event.data.get("role")
    username = event.data.get("username") or event.summary.rsplit(" (", 1)[0]
    if role not in User.Role.values:
        return None
    return with_detail(username, User.Role(role).label)


register_summary("staff.create", _person_added)


# --- Login failures and lockouts (django-axes) -----------------------------------------------------


def _attempted_username(credentials) -> str:
    return str((credentials or {}).get("username") or "")[:150]


def lockout_username(request, credentials) -> str:
    """The username axes counts failures for: at most as long as a real one can be (150), so a
    pasted essay in the username box is one more failure, not a database error."""
    if credentials:
        return _attempted_username(credentials)
    return str(getattr(request, "POST", {}).get("username", ""))[:150]


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def _login_failed(sender, credentials=None, request=None, **kwargs):
    username = _attempted_username(credentials)
    if (credentials or {}).get("purpose") == "password_change":  # accounts.forms.PasswordChangeForm
        record(actor=getattr(request, "user", None), action="auth.password_change_failed", summary=username,
               request=request, username=username)
        return
    record(actor=None, action="auth.login_failed", summary=username, request=request, username=username)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    record(actor=None, action="auth.lockout", summary=username, request=request, ip=ip_address, username=username)


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed logins from this computer. Wait %(minutes)s minute and try again.",
        "Too many failed logins from this computer. Wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout message and status 429 (Too Many Requests).
    The same for every username, existing or not. A logged-in person locked out by guessing
    their current password gets the password-change page with the same message instead."""
    from accounts.forms import LoginForm, PasswordChangeForm

    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        # Guessing the current password on the password-change form (accounts.forms).
        return render(request, "accounts/password_change.html", {
            "form": PasswordChangeForm(request.user, request=request), "lockout_message": lockout_message(),
        }, status=429)
    form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "lockout_message": lockout_message(),
                                                   "next": request.POST.get("next", "")}, status=429)
