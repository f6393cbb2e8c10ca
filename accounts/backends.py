from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """Authenticates with username and password, and grants no permission.

    Access is decided by each app's policies.py (`may_see_reports(user)`, `get_customer_for(user,
    pk)`), never by Django's permission tables or `user.has_perm`: a role is a column, and every
    rule lives in a policy module. Explicit per-object grants are guardian's tables, which the
    policies read. Inactive users are refused by ModelBackend, so a deactivated person's sessions end.
    """

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def get_all_permissions(self, user_obj, obj=None):
        return set()
