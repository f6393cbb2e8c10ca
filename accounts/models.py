from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase


class SalesGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    supervisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_groups",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sales group")
        verbose_name_plural = _("sales groups")
        permissions = [("supervise_salesgroup", "Can supervise the sales group")]

    def __str__(self) -> str:
        return self.name


def display_name(full_name, first_name, last_name, username) -> str:
    """How a person is named everywhere: their full name, else first and last, else username."""
    return full_name or f"{first_name} {last_name}".strip() or username


class CrmUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        SALESPERSON = "salesperson", _("Salesperson")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Admin")
        BACKUP_OPERATOR = "backup_operator", _("Backup operator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SALESPERSON)
    sales_group = models.ForeignKey(
        SalesGroup,
        verbose_name=_("sales group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The detailed profile of SPEC §7.1; cleared (except the name) when the person leaves.
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    departed_at = models.DateTimeField(_("left the company"), null=True, blank=True, editable=False)

    objects = CrmUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            models.Index(fields=["role", "sales_group"]),
            models.Index(fields=["-date_joined"], name="accounts_user_joined"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(self.full_name, self.first_name, self.last_name, self.username)

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR

    @property
    def is_salesperson(self) -> bool:
        return self.role == self.Role.SALESPERSON

    @property
    def is_backup_operator(self) -> bool:
        return self.role == self.Role.BACKUP_OPERATOR

    @property
    def has_sales_role(self) -> bool:
        """Salespeople, supervisors and admins work with customers; a backup operator never does."""
        return self.is_active and self.role in {self.Role.SALESPERSON, self.Role.SUPERVISOR, self.Role.ADMIN}


class SalesGroupUserObjectPermission(UserObjectPermissionBase):
    """Explicit grants on a sales group, e.g. a supervisor covering a second group."""

    content_object = models.ForeignKey(SalesGroup, on_delete=models.CASCADE)


# What each audited action is called on the audit trail page (the stored code stays English).
AUDIT_ACTION_LABELS = {
    "auth.login_failed": _("Failed login"),
    "auth.lockout": _("Login locked out"),
    "auth.password_change_failed": _("Password change failed"),
    "auth.password_changed": _("Password changed"),
    "backups.create": _("Backup made"),
    "backups.verify": _("Backup verified"),
    "backups.download": _("Backup downloaded"),
    "customers.delete": _("Customer deleted"),
    "customers.import": _("Customers imported"),
    "customers.export": _("Customers exported"),
    "followups.export": _("Follow-ups exported"),
    "plans.export": _("Plans exported"),
    "customers.to_pool": _("Customers moved to the pool"),
    "customers.reassign": _("Customers reassigned"),
    "group.create": _("Group created"),
    "group.edit": _("Group changed"),
    "group.grant": _("Group granted to a supervisor"),
    "group.revoke": _("Group grant revoked"),
    "staff.create": _("Person added"),
    "staff.edit": _("Person changed"),
    "staff.move": _("Person moved to another group"),
    "staff.offboard": _("Person offboarded"),
    "staff.reactivate": _("Person reactivated"),
    "attachments.remove": _("File removed"),
    "attachments.restore": _("File put back"),
    "attachments.purge": _("Removed files purged"),
}


class AuditEvent(models.Model):
    """Append-only audit trail of sensitive actions (exports, backups, offboarding, reassignment).

    Never written for anonymous suggestions: the trail must not link one to its author.
    """

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=50, db_index=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    count = models.IntegerField(_("count"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} by {self.actor_id}"

    @property
    def action_label(self) -> str:
        return str(AUDIT_ACTION_LABELS.get(self.action, self.action))
