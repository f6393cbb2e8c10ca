from django.contrib.auth.backends import ModelBackend

from accounts.policies import check_rule


class RolePolicyBackend(ModelBackend):
    """Authenticates with username and password; answers permissions from the role policy.

    Django's model-permission tables are not consulted: a role is a column, and every rule
    lives in a policy module. Explicit per-object grants are guardian's backend's business.
    Inactive users are refused by ModelBackend, so a deactivated person's sessions end.
    """

    def has_perm(self, user_obj, perm, obj=None):
        return check_rule(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        return False

    def get_all_permissions(self, user_obj, obj=None):
        return set()
