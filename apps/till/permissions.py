"""Which till screens each role gets by default (the permissions of its `till:<ROLE>` auth group).

The group is created with these defaults the first time a member of the role logs in at a till; after that the
group's permissions are whatever the org admin sets in the admin (Authentication > Groups).
"""
from django.utils.translation import gettext_lazy as _

from apps.staff.choices import StaffRole

APP_LABEL = "till"
# The content type the permissions hang on (no model, no table: Django only needs an (app_label, model) pair).
CONTENT_TYPE_MODEL = "tillscreen"

USE = "till.use_till"
ENROL = "till.enrol_customer"
BILL = "till.record_bill"
RETURN = "till.return_bill"
REDEEM_POINTS = "till.redeem_points"
REDEEM_COUPON = "till.redeem_coupon"
ISSUE_COUPON = "till.issue_coupon"
ACTIVITY = "till.view_activity"

# codename -> description, as the admin's permission lists show them.
DEFINITIONS = {
    "use_till": _("Can log in to the till screens and find customers"),
    "enrol_customer": _("Can enrol customers at the till"),
    "record_bill": _("Can record bills at the till"),
    "return_bill": _("Can record returns at the till"),
    "redeem_points": _("Can redeem points at the till"),
    "redeem_coupon": _("Can redeem coupons at the till"),
    "issue_coupon": _("Can issue coupons at the till"),
    "view_activity": _("Can see the till's activity of the day"),
}

ALL = (USE, ENROL, BILL, RETURN, REDEEM_POINTS, REDEEM_COUPON, ISSUE_COUPON, ACTIVITY)

ROLE_DEFAULTS: dict[str, tuple[str, ...]] = {
    StaffRole.TILL_OPERATOR: (USE, ENROL, BILL, RETURN, REDEEM_POINTS, REDEEM_COUPON, ACTIVITY),
    StaffRole.STORE_MANAGER: ALL,
    StaffRole.ORG_ADMIN: ALL,
    StaffRole.MARKETER: (),
}

GROUP_PREFIX = "till:"


def group_name(role: str) -> str:
    return f"{GROUP_PREFIX}{role}"
