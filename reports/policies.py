"""Who sees which dashboard and which reports (issue 11). The only place in reports that decides
access: views, forms and templates ask these named capabilities, never the role.

Reports are for supervisors (their groups) and admins (the whole company); a salesperson's
numbers are on their home page, so for them (and for the backup operator) reports are a 404.
"""

from accounts import policies as roles
from crm.policies import overseen_owner_ids


def may_see_reports(user) -> bool:
    """The reports pages, and the link to them from the home page and the navigation."""
    return roles.has_sales_role(user) and (user.is_admin or user.is_supervisor)


def may_see_deal_reports(user) -> bool:
    """The deals report: every sales role, each within their scope (a salesperson their own deals,
    a supervisor their groups', an admin the company's)."""
    return roles.has_sales_role(user)


def sees_only_own_deals(user) -> bool:
    """A salesperson's deals report counts their own deals: no group or person to choose."""
    return may_see_deal_reports(user) and not may_see_reports(user)


def may_see_company(user) -> bool:
    """Reports and home numbers for the whole company, or any group or person in it (admins)."""
    return roles.has_sales_role(user) and user.is_admin


def may_see_team(user) -> bool:
    """A home page with a row per salesperson overseen and a digest of what needs attention
    today in their groups (supervisors)."""
    return roles.has_sales_role(user) and user.is_supervisor


def sees_others_customers(user) -> bool:
    """Lists on the home page name each customer's owner: everyone who sees more than their own."""
    return roles.has_sales_role(user) and not user.is_salesperson


def home_is_backups(user) -> bool:
    """The backup operator's home page shows only what that role may do: the backups."""
    return roles.is_backup_operator(user)


def report_owner_ids(user) -> list[int] | None:
    """Whose work `user`'s dashboard and reports count: None means the whole company (admin);
    otherwise the people `user` oversees (themselves, and their groups' people for a supervisor).
    Customers shared with `user` are not their work, so they are not counted."""
    if not roles.has_sales_role(user):
        return []
    return None if may_see_company(user) else overseen_owner_ids(user)


def home_flags(user) -> dict:
    """The capabilities the home page's templates ask."""
    return {"may_see_reports": may_see_reports(user), "may_see_company": may_see_company(user),
            "may_see_team": may_see_team(user), "show_owner": sees_others_customers(user)}
