"""Enumerations of the referral domain, with the platform's spellings as values."""
from django.db import models


class ReferralChannel(models.TextChoices):
    """How the invitee was invited (the platform's referral `type`)."""

    MOBILE = "MOBILE", "Mobile"
    EMAIL = "EMAIL", "Email"


# Spellings clients send for the channel (v1.1 documents SMS as well as MOBILE).
CHANNEL_ALIASES = {"MOBILE": ReferralChannel.MOBILE, "SMS": ReferralChannel.MOBILE, "EMAIL": ReferralChannel.EMAIL}


class ReferralStatus(models.TextChoices):
    INVITED = "INVITED", "Invited"
    REGISTERED = "REGISTERED", "Registered"


class RefereeEvent(models.TextChoices):
    """What made an invitee a referee."""

    REGISTRATION = "REGISTRATION", "Registration"
