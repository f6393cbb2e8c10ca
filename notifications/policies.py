"""Who may see and do what with notifications: everything here is the recipient's own. Someone
else's notification is a 404, like one that does not exist; the record a notification links to
is opened through its own app's policy (a notification grants nothing)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import SalesGroup, User
from accounts.policies import has_sales_role, is_admin
from notifications.models import Notification, Webhook


def may_receive_notifications(user) -> bool:
    """People who hold or oversee customers; the backup operator has none of this."""
    return user.is_authenticated and user.is_active and has_sales_role(user)


def may_manage_deliveries(user) -> bool:
    return is_admin(user)


def may_receive_group_digest(user) -> bool:
    return may_receive_notifications(user) and user.is_supervisor


def group_digest_recipients() -> QuerySet[User]:
    """Who gets the daily group digest: active supervisors, each about the groups they supervise."""
    return User.objects.filter(is_active=True, role=User.Role.SUPERVISOR)


def visible_notifications(user) -> QuerySet[Notification]:
    if not may_receive_notifications(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def get_notification_for(user, pk) -> Notification:
    return get_object_or_404(visible_notifications(user), pk=pk)


def get_webhook_for(user, pk) -> Webhook:
    """Admins test any robot; a person only their own."""
    robots = Webhook.objects.all() if may_manage_deliveries(user) else Webhook.objects.filter(user_id=user.pk)
    return get_object_or_404(robots, pk=pk)


def get_robot_group_for(user, pk) -> SalesGroup:
    """A sales group whose robot `user` sets: admins, any group; anyone else, a 404."""
    groups = SalesGroup.objects.all() if may_manage_deliveries(user) else SalesGroup.objects.none()
    return get_object_or_404(groups, pk=pk)
