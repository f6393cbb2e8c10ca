import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_browser_language_picks_chinese(cast, client_for):
    response = client_for(cast.sales1).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "修改密码" in page and "退出登录" in page


def test_browser_language_picks_english(cast, client_for):
    response = client_for(cast.sales1).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Change password" in response.content.decode()


def test_switcher_keeps_the_chosen_language(cast, client_for):
    client = client_for(cast.sales1)
    response = client.post(reverse("set-language"), {"language": "zh-hans", "next": reverse("home")})
    assert response.status_code == 302
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "修改密码" in page
    client.post(reverse("set-language"), {"language": "en", "next": reverse("home")})
    assert "Change password" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_login_page_is_translated(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "登录" in page and "用户名" in page
