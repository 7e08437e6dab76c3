"""The Celery application. Periodic tasks are defined once, here."""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.base")

app = Celery("loyalty")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # 03:15 every day: drop Idempotency-Key records past their retention.
    "core-idempotency-purge": {
        "task": "apps.core.tasks.idempotency_purge_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # 03:30 every day: drop job-run rows older than the retention window.
    "core-jobrun-purge": {
        "task": "apps.core.tasks.job_runs_purge_task",
        "schedule": crontab(hour=3, minute=30),
    },
    # 00:10 every day: expire points whose date has passed (per org, chunked, JobRun "points.expire").
    "points-expire": {
        "task": "apps.points.tasks.points_expire_all_task",
        "schedule": crontab(hour=0, minute=10),
    },
    # Minute 20 of every hour: promised points whose delay has passed become redeemable.
    "points-convert-promised": {
        "task": "apps.points.tasks.points_convert_promised_all_task",
        "schedule": crontab(minute=20),
    },
    # 10:00 every day: expiry reminders N days ahead (programme reminder_offsets_days; deduplicated per day).
    "points-expiry-reminders": {
        "task": "apps.points.tasks.points_expiry_reminders_all_task",
        "schedule": crontab(hour=10, minute=0),
    },
    # 00:30 every day: tier checks per org for its local day that ended (renewals at month end, or daily with
    # TIER_CHECK_DAILY; downgrade-on-return checks and downgrade reminders every day; JobRun "tiers.checks").
    "tiers-checks": {
        "task": "apps.tiers.tasks.tier_checks_all_task",
        "schedule": crontab(hour=0, minute=30),
    },
    # 00:40 every day: cards past their expiry date become EXPIRED (per org, chunked).
    "cards-expire": {
        "task": "apps.cards.tasks.cards_expire_all_task",
        "schedule": crontab(hour=0, minute=40),
    },
    # 10:05 every day: coupon expiry reminders N days ahead (series reminder days; once per coupon).
    "coupons-expiry-reminders": {
        "task": "apps.coupons.tasks.coupon_reminders_all_task",
        "schedule": crontab(hour=10, minute=5),
    },
    # 04:00 every day: check every account's ledger invariants; violations are logged and recorded on the JobRun.
    "points-ledger-check": {
        "task": "apps.points.tasks.points_ledger_check_all_task",
        "schedule": crontab(hour=4, minute=0),
    },
}
