"""Settings of the server bench/transactions_post.py starts: production settings plus the bench's URLconf."""
from loyalty.settings.base import *  # noqa: F401,F403

ROOT_URLCONF = "transactions_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"apps.api": {"handlers": ["console"], "level": "ERROR"}}}
