"""Who may import and export, and whose jobs are whose. The only place in transfers that decides access.

Every sales role imports and exports; what an export holds is decided by the list it copies
(crm's and workplans' policies). A job, its files and a saved column mapping are their
creator's alone: anyone else gets the 404 of one that does not exist, supervisor and admin included.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts import policies as roles
from accounts.models import User
from crm import policies as customer_policies
from crm.models import Customer
from transfers.models import ColumnMapping, ExportJob, ImportJob


def may_import(user) -> bool:
    """Every sales role imports customers (salespeople for themselves)."""
    return roles.has_sales_role(user)


def may_export(user) -> bool:
    """Every sales role exports the lists they see."""
    return roles.has_sales_role(user)


def may_import_for_others(user) -> bool:
    """Supervisors (for their groups' people) and admins (for anyone) import customers on
    someone else's behalf; a salesperson's imports are theirs."""
    return may_import(user) and not user.is_salesperson


def import_owner_choices(user) -> QuerySet[User]:
    """Whom an import's customers may go to besides the importer (the form's "Me")."""
    if not may_import_for_others(user):
        return User.objects.none()
    return customer_policies.assignable_owners(user).exclude(pk=user.pk)


def may_import_to_pool(user) -> bool:
    """Only an admin imports customers straight into the isolation pool."""
    return may_import(user) and roles.is_admin(user)


def get_import_job_for(user, pk) -> ImportJob:
    """A job is its creator's alone: anyone else gets the 404 of a job that does not exist."""
    return get_object_or_404(ImportJob.objects.select_related("owner"), pk=pk, created_by_id=user.pk)


def visible_import_jobs(user) -> QuerySet[ImportJob]:
    """A person's own imports, newest first (the upload page lists the last few)."""
    return ImportJob.objects.filter(created_by_id=user.pk)


def visible_column_mappings(user) -> QuerySet[ColumnMapping]:
    """A person's saved import columns: theirs alone."""
    return ColumnMapping.objects.filter(owner_id=user.pk)


def get_column_mapping_for(user, pk) -> ColumnMapping:
    return get_object_or_404(visible_column_mappings(user), pk=pk)


def get_export_job_for(user, pk) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, created_by_id=user.pk)


def contact_import_customers(user) -> QuerySet[Customer]:
    """The customers whose contacts `user` may import: those they may change (crm.policies.
    can_edit): their own; a supervisor's groups' people's; an admin's every owned customer.
    Never the pool's, never one only shared with them."""
    if not may_import(user):
        return Customer.objects.none()
    if roles.is_admin(user):
        return Customer.objects.filter(owner__isnull=False)
    return Customer.objects.filter(owner_id__in=customer_policies.overseen_owner_ids(user))
