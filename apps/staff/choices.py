from django.db import models


class StaffRole(models.TextChoices):
    ORG_ADMIN = "ORG_ADMIN", "Org admin"
    MARKETER = "MARKETER", "Marketer"
    STORE_MANAGER = "STORE_MANAGER", "Store manager"
    TILL_OPERATOR = "TILL_OPERATOR", "Till operator"


# What each role may do in the back office, as Django permission codenames by app.
ROLE_ADMIN_APPS = {
    StaffRole.ORG_ADMIN: "__all__",
    StaffRole.MARKETER: {"organizations": "view", "points": "change", "core": "view", "access": "none",
                         "staff": "none"},
    StaffRole.STORE_MANAGER: {"organizations": "view", "staff": "view", "core": "view"},
    StaffRole.TILL_OPERATOR: {},
}
