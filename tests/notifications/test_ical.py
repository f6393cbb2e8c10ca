"""The feed's own iCalendar writer, held to the RFC by parsing its output back with `icalendar`."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from notifications.ical import Feed


def test_what_it_writes_parses_back_unchanged_escaped_and_folded():
    summary = "☎ 李经理, 华东贸易; 备注\\说明 " + "很长的客户名称" * 20  # commas, semicolons, backslash, 420+ octets
    start = datetime(2027, 3, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    feed = Feed(prodid="-//CRM//Notifications//EN", name="CRM", stamp=start)
    feed.event(uid="visit-1@crm", start=date(2027, 3, 10), end=date(2027, 3, 11), summary=summary,
               url="https://crm.example.cn/customers/1/", description="13900001111\nhttps://crm.example.cn/customers/1/")
    feed.event(uid="plan-2@crm", start=start, end=start.replace(hour=11), summary="拜访计划")
    feed.event(uid="birthday-3@crm", start=date(1988, 2, 29), end=date(1988, 3, 1), summary="🎂",
               rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")
    body = feed.to_ical()
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))  # folded, in octets
    body.decode()  # never cut inside a character
    visit, plan, birthday = Calendar.from_ical(body).walk("VEVENT")
    assert str(visit["summary"]) == summary
    assert str(visit["description"]) == "13900001111\nhttps://crm.example.cn/customers/1/"
    assert visit.decoded("dtstart") == date(2027, 3, 10) and visit.decoded("dtend") == date(2027, 3, 11)
    assert str(visit["url"]) == "https://crm.example.cn/customers/1/"
    assert plan.decoded("dtstart") == start and plan.decoded("dtend") == start.replace(hour=11)
    assert birthday["rrule"]["FREQ"] == ["YEARLY"] and birthday["rrule"]["BYMONTHDAY"] == [-1]
