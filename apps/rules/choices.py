from django.db import models


class RuleStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    RUNNING = "RUNNING", "Running"
    DISABLED = "DISABLED", "Disabled"


class EventType(models.TextChoices):
    """Built-in events; a rule may also name a custom behavioural event (UPPER_SNAKE_CASE)."""

    BILL_ADDED = "BILL_ADDED", "Bill added"
    BILL_RETURNED = "BILL_RETURNED", "Bill returned"
    CUSTOMER_REGISTERED = "CUSTOMER_REGISTERED", "Customer registered"


class CapPeriod(models.TextChoices):
    DAY = "DAY", "Day"
    WEEK = "WEEK", "Week (Monday to Sunday)"
    MONTH = "MONTH", "Calendar month"
    YEAR = "YEAR", "Calendar year"
    LIFETIME = "LIFETIME", "Lifetime"


class TierCrossing(models.TextChoices):
    """Which tier's rates the bill that crosses a tier threshold earns at."""

    EARN_THEN_UPGRADE = "EARN_THEN_UPGRADE", "Issue points, then upgrade (old tier's rates)"
    UPGRADE_THEN_EARN = "UPGRADE_THEN_EARN", "Upgrade, then issue points (new tier's rates)"
    SPLIT = "SPLIT", "Split: the part up to the threshold at the old rates, the rest at the new"


class Weekday(models.IntegerChoices):
    """ISO weekday numbers."""

    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"
    SUNDAY = 7, "Sunday"
