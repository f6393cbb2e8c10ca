"""Settings for the test suite: the real settings, tasks run at once, fast password hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from config.settings import *  # noqa: E402,F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Inside the repository's git-ignored var/, never the system temp dir; importing the settings
# creates nothing (every process of scripts/test imports them). tests/conftest.py points the
# test session at folders of its own under pytest's basetemp (var/pytest).
MEDIA_ROOT = BASE_DIR / "var" / "test-files" / "media"  # noqa: F405
PRIVATE_FILES_ROOT = BASE_DIR / "var" / "test-files" / "private"  # noqa: F405
BACKUP_DIR = BASE_DIR / "var" / "test-files" / "backups"  # noqa: F405
LANGUAGE_CODE = "en"
POOL_RECYCLE_WORKERS = 1  # tests share one transaction per test; test_pool runs the parallel path on its own
