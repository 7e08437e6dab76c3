"""Celery: a broker from CELERY_BROKER_URL or REDIS_URL; with neither, tasks run eagerly in-process."""
import environ

env = environ.Env()
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or env.str("REDIS_URL", default="")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ROUTES = {"*.bulk_*": {"queue": "bulk"}}
CELERY_TASK_DEFAULT_QUEUE = "default"

# Nightly points expiry: how many worker invocations drain one org's queue side by side (SKIP LOCKED keeps them
# apart). One per CPU the database can spare is a good start; see docs/operations.md.
POINTS_EXPIRY_WORKERS = env.int("POINTS_EXPIRY_WORKERS", default=2)
