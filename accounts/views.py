from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts import services
from accounts.forms import LoginForm, PasswordChangeForm
from common.http import client_ip


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """The current password is checked like a login (locked out after repeated failures, each
    one audited), and a change is audited too (issue 19.8)."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        user = services.password_change(form=form, by=self.request.user, ip=client_ip(self.request))
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()
password_change = PasswordChangeView.as_view()
