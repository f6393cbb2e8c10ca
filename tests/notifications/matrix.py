"""Authorization rows for notifications (issue 24).

Relations, seen from sales1: each relation has a notification and a robot of a person.
  own         sales1's          same_group  sales1b's
  other_group sales2's          pool        the admin's (and, for robots, Group B's robot)
Everything is the recipient's own: nobody else, not a supervisor nor an admin, opens another
person's notification (404). Admins test any robot from the deliveries page. The calendar feed
needs no login: its secret token is the credential; an unknown or revoked token is a 404.
The robots point at a loopback address, which the sending refuses at once (nothing leaves the
machine during the matrix).
"""

from crm.models import Customer
from notifications.models import CalendarFeed, Kind, Notification, Webhook
from tests.authz import LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Row, by_relation, everyone, staff

PEOPLE = {"own": "sales1", "same_group": "sales1b", "other_group": "sales2", "pool": "admin"}
NOBODY_ELSE = by_relation(own=NOT_FOUND, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=NOT_FOUND)
EVERY = by_relation(own=REDIRECT, same_group=REDIRECT, other_group=REDIRECT, pool=REDIRECT)
ROBOT_URL = "http://127.0.0.1:9/robot/send"


def build(world):
    world.notifications, world.robots, world.feed_tokens = {}, {}, {}
    customer = Customer.objects.create(name="通知客户", owner=world.cast.sales1)
    for relation, name in PEOPLE.items():
        person = getattr(world.cast, name)
        world.notifications[relation] = Notification.objects.create(
            recipient=person, kind=Kind.SHARED, key=f"matrix:{relation}", url=customer.get_absolute_url(),
            params={"customer": customer.name, "owner": "张三"})
        if relation == "pool":
            world.robots[relation] = Webhook.objects.create(provider=Webhook.Provider.WECOM, url=ROBOT_URL,
                                                            sales_group=world.cast.group2)
        else:
            world.robots[relation] = Webhook.objects.create(provider=Webhook.Provider.DINGTALK, url=ROBOT_URL,
                                                            secret="SEC-matrix", user=person)
        world.feed_tokens[relation] = CalendarFeed.objects.create(user=person, token=f"matrix-token-{relation}").token


def notification(world, relation):
    return {"pk": world.notifications[relation or "own"].pk}


def robot(world, relation):
    return {"pk": world.robots[relation or "own"].pk}


def group(world, relation):
    return {"group_pk": world.cast.group2.pk if relation == "other_group" else world.cast.group1.pk}


def own_only(outcome):
    return {"anonymous": LOGIN, "salesperson": by_relation(own=outcome, same_group=NOT_FOUND, other_group=NOT_FOUND,
                                                           pool=NOT_FOUND),
            "supervisor": NOBODY_ELSE, "backup": NOT_FOUND,
            # The "pool" relation's notification is the admin's own.
            "admin": by_relation(own=NOT_FOUND, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=outcome)}


PREFERENCES = {"language": "zh-hans", "quiet_from": "22:00", "quiet_until": "07:30", "digest_at": "08:00",
               "handover__email": "on", "digest__webhook": "on"}
ROBOT = {"provider": "dingtalk", "url": "https://1.1.1.1/robot/send?access_token=abc", "secret": "SECabc"}
GROUP_ROBOT = {"provider": "wecom", "url": "https://1.1.1.1/cgi-bin/webhook/send?key=abc", "secret": ""}
ADMIN_ONLY = {"anonymous": LOGIN, "salesperson": NOT_FOUND, "supervisor": NOT_FOUND, "admin": OK, "backup": NOT_FOUND}

ROWS = [
    Row("notifications:notification-list", "GET", staff(OK)),
    Row("notifications:notification-list", "POST", staff(NOT_ALLOWED)),
    Row("notifications:notification-open", "POST", own_only(REDIRECT), kwargs=notification),
    Row("notifications:notification-open", "GET", staff(NOT_ALLOWED), kwargs=notification),
    Row("notifications:notification-read", "POST", own_only(REDIRECT), kwargs=notification),
    Row("notifications:notification-read-all", "POST", staff(REDIRECT)),
    Row("notifications:preference-edit", "GET", staff(OK)),
    Row("notifications:preference-edit", "POST", staff(REDIRECT), data=PREFERENCES),
    Row("notifications:webhook-edit", "POST", staff(REDIRECT), data=ROBOT),
    Row("notifications:webhook-delete", "POST", staff(REDIRECT)),
    Row("notifications:feed-regenerate", "POST", staff(REDIRECT)),
    Row("notifications:feed-revoke", "POST", staff(REDIRECT)),
    # The token is the credential: whoever holds it reads that person's feed (a phone's calendar).
    Row("notifications:calendar-feed", "GET", everyone(OK), kwargs=lambda world, relation: {"token": world.feed_tokens["own"]}),
    Row("notifications:calendar-feed", "GET", everyone(NOT_FOUND), kwargs=lambda world, relation: {"token": "no-such-token"}),
    Row("notifications:calendar-feed", "POST", everyone(NOT_ALLOWED), kwargs=lambda world, relation: {"token": world.feed_tokens["own"]}),
    Row("notifications:delivery-list", "GET", ADMIN_ONLY),
    Row("notifications:webhook-test", "POST", {
        "anonymous": LOGIN, "backup": NOT_FOUND, "supervisor": NOBODY_ELSE, "admin": EVERY,
        "salesperson": by_relation(own=REDIRECT, same_group=NOT_FOUND, other_group=NOT_FOUND, pool=NOT_FOUND),
    }, kwargs=robot),
    # Group robots: admins only; any group (the relation does not matter), an unknown one is a 404.
    Row("notifications:group-webhook-edit", "GET", ADMIN_ONLY, kwargs=group),
    Row("notifications:group-webhook-edit", "POST", {**ADMIN_ONLY, "admin": REDIRECT}, kwargs=group, data=GROUP_ROBOT),
    Row("notifications:group-webhook-edit", "GET", {**ADMIN_ONLY, "admin": NOT_FOUND}, kwargs=lambda world, relation: {"group_pk": 999999}),
    Row("notifications:group-webhook-delete", "POST", {**ADMIN_ONLY, "admin": REDIRECT}, kwargs=group),
    Row("notifications:group-webhook-delete", "GET", {**ADMIN_ONLY, "admin": NOT_ALLOWED}, kwargs=group),
]
