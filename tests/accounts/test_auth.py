import pytest
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_in_with_the_right_password(cast, client):
    response = client.post(reverse("accounts:login"), {"username": "sales1", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "张三" in response.content.decode()


def test_wrong_password_gets_one_message_that_does_not_say_which_part(cast, client):
    wrong_password = client.post(reverse("accounts:login"), {"username": "sales1", "password": "nope"})
    unknown_user = client.post(reverse("accounts:login"), {"username": "nobody", "password": "nope"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    first = wrong_password.context["form"].non_field_errors()
    second = unknown_user.context["form"].non_field_errors()
    assert first == second
    assert "correct username and password" in first[0]
    assert "_auth_user_id" not in client.session


def test_wrong_password_message_is_in_chinese_for_a_chinese_browser(cast, client):
    response = client.post(
        reverse("accounts:login"), {"username": "sales1", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )
    assert "请输入一个正确的" in response.content.decode()


def test_deactivated_user_cannot_log_in_and_their_session_ends(cast, client):
    client.post(reverse("accounts:login"), {"username": "sales1", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    cast.sales1.is_active = False
    cast.sales1.save()
    assert client.get(reverse("home")).status_code == 302
    again = client.post(reverse("accounts:login"), {"username": "sales1", "password": PASSWORD})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert client.get(reverse("home")).status_code == 302


def test_it_logs_out_with_post(cast, client_for):
    client = client_for(cast.sales1)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_salesperson_can_change_password(cast, client_for, client):
    user_client = client_for(cast.sales1)
    response = user_client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "a-new-long-secret-42", "new_password2": "a-new-long-secret-42"},
        follow=True,
    )
    assert "Your password has been changed." in response.content.decode()
    assert client.login(request=RequestFactory().get("/"), username="sales1", password="a-new-long-secret-42")
    assert not client.login(request=RequestFactory().get("/"), username="sales1", password=PASSWORD)


def test_password_change_with_wrong_old_password_changes_nothing(cast, client_for, client):
    response = client_for(cast.sales1).post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password1": "a-new-long-secret-42", "new_password2": "a-new-long-secret-42"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert client.login(request=RequestFactory().get("/"), username="sales1", password=PASSWORD)


def test_too_short_new_password_is_refused(cast, client_for):
    response = client_for(cast.sales1).post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    assert response.context["form"].errors["new_password2"]
