"""Who may see and do what with customers. The only place in crm that decides access.

Rules come from columns: a customer's owner and the owner's sales group; the pool is
`owner IS NULL`. django-guardian holds the exceptions: a customer shared with a colleague
(`crm.view_customer`, or `crm.cofollow_customer` to log follow-ups too), stored in the direct
foreign-key table CustomerUserObjectPermission. Views never ask guardian themselves.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import policies as roles
from accounts.models import User
from crm.models import Custody, Customer, CustomerUserObjectPermission, FollowUp, SavedSearch

VIEW_SHARE = "view_customer"
COFOLLOW_SHARE = "cofollow_customer"
SHARE_CODENAMES = (VIEW_SHARE, COFOLLOW_SHARE)


def _shared_ids(user) -> list[int]:
    """Ids of customers shared with `user` (few): resolved first, so the planner sees a short
    literal list instead of a subquery it would guess to match half the table."""
    return list(
        CustomerUserObjectPermission.objects.filter(user_id=user.pk, permission__codename__in=SHARE_CODENAMES)
        .values_list("content_object_id", flat=True)
        .distinct()
    )


def overseen_owner_ids(user) -> list[int]:
    """Whose customers `user` oversees by role: themselves, and their groups' people for a supervisor.
    Cached on the user object, which lives for one request (a home page asks five times)."""
    if not user.is_supervisor:
        return [user.pk]
    cached = getattr(user, "_overseen_owner_ids", None)
    if cached is None:
        members = User.objects.filter(sales_group_id__in=roles.supervised_group_ids(user)).values_list("pk", flat=True)
        cached = user._overseen_owner_ids = sorted({user.pk, *members})
    return list(cached)


def visible_customers(user) -> QuerySet[Customer]:
    """The customer list's starting point: owned customers in `user`'s scope plus those shared
    with them. Pool customers are not here (see pool_customers)."""
    if not roles.has_sales_role(user):
        return Customer.objects.none()
    if user.is_admin:
        return Customer.objects.filter(owner__isnull=False)
    scope = Q(owner_id__in=overseen_owner_ids(user))
    shared = _shared_ids(user)
    if shared:
        scope |= Q(pk__in=shared, owner__isnull=False)
    return Customer.objects.filter(scope)


def pool_customers(user) -> QuerySet[Customer]:
    """Every sales role may browse the isolation pool (SPEC §3)."""
    if not roles.has_sales_role(user):
        return Customer.objects.none()
    return Customer.objects.filter(owner__isnull=True)


def _owner_group_id(customer) -> int | None:
    return customer.owner.sales_group_id if customer.owner_id else None


def oversees(user, customer) -> bool:
    """Owner, the owner's supervisor, or an admin: may change the customer."""
    if customer.owner_id is None:
        return roles.is_admin(user)
    return roles.can_see_work_of(user, customer.owner_id, _owner_group_id(customer))


def share_of(user, customer) -> str | None:
    """The share codename granted to `user` on `customer` (cofollow wins over view), or None."""
    if customer.owner_id is None or not roles.has_sales_role(user):
        return None
    codenames = set(
        CustomerUserObjectPermission.objects.filter(
            user_id=user.pk, content_object_id=customer.pk, permission__codename__in=SHARE_CODENAMES
        ).values_list("permission__codename", flat=True)
    )
    if COFOLLOW_SHARE in codenames:
        return COFOLLOW_SHARE
    return VIEW_SHARE if VIEW_SHARE in codenames else None


def can_view(user, customer) -> bool:
    if not roles.has_sales_role(user):
        return False
    if customer.owner_id is None:
        return True  # the pool is open to every sales role
    return oversees(user, customer) or share_of(user, customer) is not None


def can_link_to_plans(user, customer) -> bool:
    """A customer `user` may link to their work plans: one of visible_customers(user), never the pool."""
    return customer.owner_id is not None and can_view(user, customer)


def can_edit(user, customer) -> bool:
    return customer.owner_id is not None and oversees(user, customer)


def can_log_followup(user, customer) -> bool:
    return can_edit(user, customer) or share_of(user, customer) == COFOLLOW_SHARE


def can_share(user, customer) -> bool:
    return can_edit(user, customer)


def can_delete(user, customer) -> bool:
    """Really deleting a customer's data is the admin's operation only (SPEC §1.E.D)."""
    return roles.is_admin(user)


def can_override_duplicates(user) -> bool:
    return roles.is_admin(user)


# --- What the customer pages show and offer --------------------------------------------------------


def sees_every_customer(user) -> bool:
    """An admin's lists hold the whole company: nothing is "shared with" them, no scope narrows them."""
    return roles.is_admin(user)


def overseen_scope(user) -> list[int] | None:
    """Whose work `user`'s lists hold: None for the whole company (admin), else overseen_owner_ids."""
    return None if sees_every_customer(user) else overseen_owner_ids(user)


def sees_owner_column(user) -> bool:
    """Lists show who holds each customer to anyone who sees more people's customers than their own."""
    return roles.is_management(user)


def may_choose_owner(user) -> bool:
    """A new customer's salesperson is chosen by supervisors and admins; a salesperson's is themselves."""
    return roles.is_management(user)


def suggested_owner(user) -> User | None:
    """The salesperson a new customer's form starts with: a supervisor themselves, an admin nobody yet."""
    return user if roles.is_management(user) and not roles.is_admin(user) else None


def may_filter_by_person(user) -> bool:
    """Lists of several people's work (customers, follow-ups) filter by salesperson."""
    return roles.is_management(user)


def may_filter_by_group(user) -> bool:
    """The whole company's customer list filters by sales group: admins."""
    return roles.is_admin(user)


def assignable_owners(user) -> QuerySet[User]:
    """Who a new or reassigned customer may belong to: yourself (salesperson), your groups'
    people (supervisor), any active salesperson or supervisor (admin)."""
    if not roles.has_sales_role(user):
        return User.objects.none()
    if not may_choose_owner(user):
        return User.objects.filter(pk=user.pk)
    return roles.sales_staff_for(user).exclude(role=User.Role.ADMIN)


def share_candidates(user, customer) -> QuerySet[User]:
    """Colleagues a customer may be shared with: active sales staff other than its owner."""
    return (
        User.objects.filter(is_active=True, role__in=[User.Role.SALESPERSON, User.Role.SUPERVISOR])
        .exclude(pk=customer.owner_id)
        .select_related("sales_group")
        .order_by("sales_group__name", "username")
    )


def can_lock(user, customer) -> bool:
    """Marking a key customer (never recycled) is for the owner's supervisor or an admin."""
    return can_edit(user, customer) and (user.is_supervisor or user.is_admin)


def can_claim(user, customer) -> bool:
    """Every sales role may claim a pool customer (the fairness rules are the service's)."""
    return roles.has_sales_role(user) and customer.owner_id is None


def may_hand_out_pool(user) -> bool:
    """Supervisors (to their groups' people) and admins (to anyone) hand pool customers out."""
    return roles.has_sales_role(user) and (user.is_supervisor or user.is_admin)


def can_assign_from_pool(user, customer) -> bool:
    return customer.owner_id is None and may_hand_out_pool(user)


def pool_previous_owner_choices(user) -> QuerySet[User]:
    """Whom the pool may be filtered by as previous owner: the pool is open, so all sales staff."""
    if not roles.has_sales_role(user):
        return User.objects.none()
    return User.objects.filter(role__in=[User.Role.SALESPERSON, User.Role.SUPERVISOR]).order_by("username")


def may_reassign(user) -> bool:
    """Supervisors (within their groups) and admins move customers between salespeople."""
    return roles.has_sales_role(user) and (user.is_supervisor or user.is_admin)


def reassignable_customers(user) -> QuerySet[Customer]:
    """Owned customers `user` may hand to someone else or move to the pool: every one for an
    admin, those of their groups' people for a supervisor (a share is not enough)."""
    if not may_reassign(user):
        return Customer.objects.none()
    if user.is_admin:
        return Customer.objects.filter(owner__isnull=False)
    return Customer.objects.filter(owner_id__in=overseen_owner_ids(user))


# A customer that left the pool this recently is still answered as a pool customer, so whoever
# lost the race to claim it hears "already claimed by someone else" (from the service), not 404.
JUST_CLAIMED = timedelta(hours=1)


def _left_pool_recently(customer) -> bool:
    return Custody.objects.filter(
        customer_id=customer.pk,
        from_owner__isnull=True,
        reason__in=[Custody.Reason.CLAIMED, Custody.Reason.REASSIGNED],
        created_at__gte=timezone.now() - JUST_CLAIMED,
    ).exists()


def get_pool_customer_for(user, pk) -> Customer:
    """A customer to claim or assign: one in the pool (or just taken from it, see JUST_CLAIMED);
    else 404 when `user` may not see it and 403 when they may."""
    customer = Customer.objects.select_related("owner__sales_group").filter(pk=pk).first()
    if customer is None or not roles.has_sales_role(user):
        raise Http404
    if customer.owner_id is None or _left_pool_recently(customer):
        return customer
    if not can_view(user, customer):
        raise Http404
    raise PermissionDenied


def get_customer_for(user, pk, *, write=False) -> Customer:
    """The customer `user` may see, else 404 as if it did not exist; with write=True, 403 when
    they may see it but not change it."""
    customer = Customer.objects.select_related("owner__sales_group").filter(pk=pk).first()
    if customer is None or not can_view(user, customer):
        raise Http404
    if write and not can_edit(user, customer):
        raise PermissionDenied
    return customer


# --- Follow-ups (SPEC §2) ----------------------------------------------------------------------


def visible_followups(user) -> QuerySet[FollowUp]:
    """The follow-ups `user` may see: every record of every customer they may see (can_view:
    owned in their scope, shared with them, or in the pool), whoever wrote it. The one
    definition (issue 19.8) behind the follow-ups page, a record's own page and the export;
    a record of a customer someone may no longer see (a share revoked, a customer moved to
    another group) is gone from all three, even when they wrote it."""
    if not roles.has_sales_role(user):
        return FollowUp.objects.none()
    if user.is_admin:
        return FollowUp.objects.all()
    scope = Q(customer__owner_id__in=overseen_owner_ids(user)) | Q(customer__owner__isnull=True)
    shared = _shared_ids(user)
    if shared:
        scope |= Q(customer_id__in=shared)
    return FollowUp.objects.filter(scope)


def get_followup_for(user, pk) -> FollowUp:
    """A follow-up `user` may see, else 404 (the same as a missing one)."""
    followup = (
        visible_followups(user).select_related("customer__owner__sales_group", "author__sales_group").filter(pk=pk).first()
    )
    if followup is None:
        raise Http404
    return followup


def can_change_followup(user, followup) -> bool:
    """Edit its words or delete it: the author, the author's supervisor, or an admin."""
    author = followup.author
    return roles.can_see_work_of(user, author.pk, author.sales_group_id)


def can_continue_followup(user, followup) -> bool:
    return can_log_followup(user, followup.customer)




# --- Saved searches (SPEC §1.A.17) --------------------------------------------------------------


def visible_saved_searches(user) -> QuerySet[SavedSearch]:
    """A saved search is its owner's alone, whatever their role."""
    return SavedSearch.objects.filter(owner_id=user.pk)


def get_saved_search_for(user, pk) -> SavedSearch:
    """Someone else's saved search is the 404 of one that does not exist."""
    return get_object_or_404(visible_saved_searches(user), pk=pk)
