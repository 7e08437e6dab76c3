from django.db import models


class StaffRole(models.TextChoices):
    ORG_ADMIN = "ORG_ADMIN", "Org admin"
    MARKETER = "MARKETER", "Marketer"
    STORE_MANAGER = "STORE_MANAGER", "Store manager"
    TILL_OPERATOR = "TILL_OPERATOR", "Till operator"


# What each role may do in the back office: app label -> "view" (read) or "change" (add/change/delete too).
# Org admins get every permission of the project's apps (computed in services).
ROLE_ADMIN_APPS = {
    StaffRole.ORG_ADMIN: "__all__",
    StaffRole.MARKETER: {"customers": "change", "labels": "change", "points": "change", "rules": "change",
                         "referrals": "change", "tiers": "change", "coupons": "change", "cards": "change",
                         "fields": "view", "organizations": "view", "transactions": "view",
                         "communications": "view", "core": "view"},
    StaffRole.STORE_MANAGER: {"customers": "view", "transactions": "view", "points": "view", "organizations": "view",
                              "tiers": "view", "coupons": "view", "cards": "view", "staff": "view", "core": "view"},
    StaffRole.TILL_OPERATOR: {},
}
