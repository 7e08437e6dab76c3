"""Writes of the coupons domain (see each module)."""
from .issue import IssueResult, coupon_expiry, coupon_issue
from .lifecycle import (coupon_reminders_send, coupon_resend, coupon_transfer, coupons_expiry_update,
                        coupons_revoke)
from .mass import issue_job_chunk, issue_job_run_all, issue_job_start
from .redeem import (RedeemContext, Redeemability, RedeemResult, coupon_redeem, coupon_redeemability,
                     discount_for, redemptions_reverse)
from .series import redemption_range_parse, series_create, series_settings_check, series_update
from .uploads import upload_create, upload_process

__all__ = ["IssueResult", "RedeemContext", "RedeemResult", "Redeemability", "coupon_expiry", "coupon_issue",
           "coupon_redeem", "coupon_redeemability", "coupon_reminders_send", "coupon_resend", "coupon_transfer",
           "coupons_expiry_update", "coupons_revoke", "discount_for", "issue_job_chunk", "issue_job_run_all", "issue_job_start",
           "redemption_range_parse", "redemptions_reverse", "series_create", "series_settings_check", "series_update", "upload_create",
           "upload_process"]
