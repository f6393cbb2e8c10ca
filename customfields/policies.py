"""Who may define custom fields, and who may see or edit each one (field-level permission)."""

from accounts import policies as roles
from customfields.models import FieldDefinition

Access = FieldDefinition.Access


def may_manage_fields(user) -> bool:
    """The field definitions are a company setting: admins."""
    return roles.is_admin(user)


def _allowed(user, access: str) -> bool:
    if access == Access.ALL:
        return roles.has_sales_role(user) or roles.is_admin(user)
    if access == Access.MANAGEMENT:
        return roles.is_management(user)
    return roles.is_admin(user)


def may_see_field(user, definition: FieldDefinition) -> bool:
    return _allowed(user, definition.see)


def may_edit_field(user, definition: FieldDefinition) -> bool:
    return may_see_field(user, definition) and _allowed(user, definition.edit)
