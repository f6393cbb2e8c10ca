import pytest
from django.urls import reverse

from tests.workplans.plans import make_plan

pytestmark = pytest.mark.django_db


def test_plans_page_speaks_chinese_to_a_chinese_browser(cast, client_for):
    make_plan(cast.sales1, subject="拜访客户")
    page = client_for(cast.sales1).get(reverse("workplans:plan-list"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "工作计划" in page and "新建计划" in page and "未完成" in page and "本周" in page
    assert "New plan" not in page


def test_plan_form_errors_speak_chinese(cast, client_for):
    response = client_for(cast.sales1).post(
        reverse("workplans:plan-create"),
        {"subject": "", "start_at": "2026-12-01T10:00", "end_at": "2026-12-01T09:00"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    page = response.content.decode()
    assert "请填写计划主题。" in page and "结束时间必须晚于开始时间。" in page
