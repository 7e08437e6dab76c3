"""Test settings: the base settings plus fast hashing, eager Celery and an isolated cache prefix."""
import os
import uuid

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from .base import *  # noqa: E402,F401,F403
from .base import CACHES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if "KEY_PREFIX" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"
LOGGING = {"version": 1, "disable_existing_loggers": False}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
COMMUNICATIONS_BACKENDS = {"SMS": "apps.communications.backends.LocmemBackend",
                           "EMAIL": "apps.communications.backends.LocmemBackend"}
