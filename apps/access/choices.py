from django.db import models


class AccessResource(models.TextChoices):
    """Resources of access groups, named like the API surface's "Access group resource" column."""

    CUSTOMER = "Customer", "Customer"
    TRANSACTION = "Transaction", "Transaction"
    POINTS = "Points", "Points"
    COUPON = "Coupon", "Coupon"
    CARD = "Card", "Card"
    ORGANIZATION = "Organization", "Organization"
    ORGANIZATION_DATA_FIELDS = "Organization Data Fields", "Organization Data Fields"
    REQUESTS = "Requests", "Requests"
    STORE = "Store", "Store"
    STAFF = "Staff", "Staff"
    PRODUCT = "Product", "Product"
    LABELS = "Labels", "Labels"
    TASK = "Task", "Task"
    USER_GROUPS = "User Groups", "User Groups"
    TARGET_LOYALTY = "Target Loyalty", "Target Loyalty"
    BEHAVIOURAL_EVENTS = "Behavioural Events", "Behavioural Events"
    EVENT_SIMULATION = "Event Simulation", "Event Simulation"
    WEBHOOKS = "Webhooks", "Webhooks"
    SURVEY = "Survey", "Survey"
    COMPANIES = "Companies", "Companies"
    COMMUNICATIONS = "Communications", "Communications"
    PARTNER_PROGRAM = "Partner Program", "Partner Program"
    ACTIVITY_SESSIONS = "Activity Sessions", "Activity Sessions"
    OTP = "OTP", "OTP"
    LEADS = "Leads", "Leads"
    # api_gateway services, which the platform leaves unmapped; we still guard them.
    BADGES = "Badges", "Badges"
    REWARDS = "Rewards", "Rewards"
    PROMOTIONS = "Promotions", "Promotions"


class AccessLevel(models.TextChoices):
    """Per resource: None < View only < Modify (the platform's three levels)."""

    NONE = "NONE", "None"
    VIEW = "VIEW", "View only"
    MODIFY = "MODIFY", "Modify"


LEVEL_RANK = {AccessLevel.NONE: 0, AccessLevel.VIEW: 1, AccessLevel.MODIFY: 2}
