"""Notifications caused by operations of the apps below, created in those operations' transactions.

- Hand-overs: a follower of crm.ownership.move. One notification per hand-over per receiver,
  however many customers it moved and however many calls to move() the operation made (an
  offboarding customer by customer): the key is the transaction's id, and a later move in the
  same transaction adds its customers to the same notification. None for the pool, for one's
  own claim, or for a move the receiver made themselves.
- Shares: a grant row of crm's CustomerUserObjectPermission (crm.services.customer_share).
- Replies: bulletin.services' reply listener, for a reply on someone's board message and
  management's reply to a signed suggestion (an anonymous one has no author to tell). Nobody is
  told of their own reply.
"""

from django.db import connection
from django.db.models.signals import post_save
from django.urls import reverse

from bulletin import services as bulletin_services
from bulletin.models import SuggestionReply
from crm import ownership
from crm.models import Custody, Customer, CustomerUserObjectPermission
from crm.policies import COFOLLOW_SHARE
from notifications import services
from notifications.kinds import NAMES_SHOWN
from notifications.reminder_kinds import EXCERPT
from notifications.models import Kind, Notification


def connect() -> None:
    ownership.register_follower(customers_handed_over)
    post_save.connect(customer_shared, sender=CustomerUserObjectPermission, dispatch_uid="notifications.shared")
    bulletin_services.register_reply_listener(reply_posted)


def _transaction_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return cursor.fetchone()[0]


def customers_handed_over(moved, *, to, by, reason, now) -> None:
    if to is None or reason == Custody.Reason.CLAIMED or (by is not None and by.pk == to.pk) or not moved:
        return
    if not services.may_receive(to):
        return
    ids = [pk for pk, _old in moved]
    key = f"handover:{_transaction_id()}"
    existing = Notification.objects.select_for_update().filter(recipient=to, key=key).first()
    names = list(Customer.objects.filter(pk__in=ids[:NAMES_SHOWN]).order_by("pk").values_list("name", flat=True))
    if existing is not None:
        params = existing.params
        params["count"] = params.get("count", 0) + len(ids)
        params["names"] = (params.get("names", []) + names)[:NAMES_SHOWN]
        existing.params, existing.url = params, reverse("crm:customer-list")
        existing.save(update_fields=["params", "url"])
        return
    by_name = by.display_name if by is not None else ""
    url = reverse("crm:customer-detail", args=[ids[0]]) if len(ids) == 1 else reverse("crm:customer-list")
    services.notify(recipient=to, kind=Kind.HANDOVER, key=key, now=now, url=url,
                    params={"count": len(ids), "by": by_name, "reason": reason, "names": names})


def customer_shared(sender, instance, created, **kwargs) -> None:
    if not created:
        return
    customer = instance.content_object
    owner = customer.owner
    if owner is not None and owner.pk == instance.user_id:
        return
    services.notify(
        recipient=instance.user, kind=Kind.SHARED, key=f"shared:{instance.pk}", url=customer.get_absolute_url(),
        params={"customer": customer.name, "owner": owner.display_name if owner else "",
                "cofollow": instance.permission.codename == COFOLLOW_SHARE},
    )


def reply_posted(reply) -> None:
    if isinstance(reply, SuggestionReply):
        thread, kind, url = reply.suggestion, Kind.SUGGESTION_REPLY, reply.suggestion.get_absolute_url()
    else:
        thread, kind, url = reply.post, Kind.BOARD_REPLY, reply.get_absolute_url()
    if thread.author_id is None or thread.author_id == reply.author_id:
        return
    by = reply.author.display_name if reply.author_id else reply.guest_name
    services.notify(recipient=thread.author, kind=kind, key=f"{kind}:{reply.pk}", url=url,
                    params={"title": thread.title, "by": by, "excerpt": reply.content[:EXCERPT]})
