"""Deterministic demo customers for the demo org: ~500 Indian-retail members registered through the services."""
from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from apps.fields.models import ExtendedField
from apps.fields.services import extended_field_create
from apps.organizations.models import Till

from . import services
from .choices import Channel, Priority, Source
from .models import Customer, CustomerIdentifier

DEMO_CUSTOMER_COUNT = 500
MARKER_EXTERNAL_ID = "DEMO-000001"  # present once the demo customers are loaded
FIRST_NAMES = {
    "Male": ("Aarav", "Rohan", "Vikram", "Arjun", "Karthik", "Siddharth", "Rahul", "Aditya", "Nikhil", "Varun", "Manoj",
             "Suresh", "Harish", "Pranav", "Ishaan", "Gaurav", "Rajesh", "Deepak", "Sandeep", "Anil"),
    "Female": ("Priya", "Ananya", "Kavya", "Diya", "Meera", "Isha", "Sneha", "Pooja", "Lakshmi", "Divya", "Aishwarya",
               "Nandini", "Shreya", "Revathi", "Swati", "Neha", "Anjali", "Pallavi", "Keerthi", "Radhika"),
}
LAST_NAMES = ("Sharma", "Iyer", "Reddy", "Nair", "Patel", "Gupta", "Menon", "Rao", "Das", "Kulkarni", "Singh",
              "Chatterjee", "Pillai", "Joshi", "Mehta", "Banerjee", "Shetty", "Verma", "Bose", "Kapoor", "Hegde",
              "Naidu", "Agarwal", "Mishra", "Krishnan")
CITIES = ("Bengaluru", "Chennai", "New Delhi", "Mumbai", "Hyderabad", "Pune", "Kolkata", "Kochi")
LANGUAGES = ("en", "hi", "ta", "kn")
SOURCES = (Source.INSTORE,) * 8 + (Source.ECOMMERCE, Source.WEBSITE)
CUSTOMER_EXTENDED_FIELDS = ("gender", "city", "dob")


def _ensure_extended_fields(org) -> None:
    existing = set(ExtendedField.objects.for_org(org).filter(entity="CUSTOMER").values_list("name", flat=True))
    for name in CUSTOMER_EXTENDED_FIELDS:
        if name not in existing:
            extended_field_create(org=org, entity="CUSTOMER", name=name)


def _unique_mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        number = f"91{rng.choice('6789')}{rng.randrange(10 ** 9):09d}"
        if number not in used:
            used.add(number)
            return number


def demo_customers_load(*, org, seed: int = 42, count: int = DEMO_CUSTOMER_COUNT) -> int:
    """Register the demo customers once (idempotent: nothing happens when they exist); returns how many were added."""
    if CustomerIdentifier.objects.for_org(org).filter(type="externalId", value=MARKER_EXTERNAL_ID).exists():
        return 0
    _ensure_extended_fields(org)
    rng = random.Random(seed)
    tills = list(Till.objects.for_org(org).filter(is_active=True).select_related("store").order_by("code"))
    used = set(CustomerIdentifier.objects.for_org(org).filter(type="mobile").values_list("value", flat=True))
    now = timezone.now()
    for n in range(1, count + 1):
        gender = rng.choice(("Male", "Female"))
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        source = rng.choice(SOURCES)
        identifiers = [{"type": "mobile", "value": _unique_mobile(rng, used)},
                       {"type": "externalId", "value": f"DEMO-{n:06d}"}]
        if rng.random() < 0.7:
            identifiers.append({"type": "email", "value": f"{first}.{last}{n}@example.in".lower()})
        birth = (now - timedelta(days=rng.randrange(18 * 365, 65 * 365))).date()
        customer, _ = services.customer_create(
            org=org, source=source, till=rng.choice(tills) if tills else None, identifiers=identifiers,
            first_name=first, last_name=last, registered_on=now - timedelta(days=rng.randrange(0, 730),
                                                                            minutes=rng.randrange(0, 1440)),
            loyalty_type="NON_LOYALTY" if rng.random() < 0.05 else "LOYALTY",
            extended_fields={"gender": gender, "city": rng.choice(CITIES), "dob": birth.isoformat()},
            custom_fields={"preferred_language": rng.choice(LANGUAGES)})
        _demo_extras(org=org, customer=customer, rng=rng, tills=tills)
    return count


def _demo_extras(*, org, customer: Customer, rng: random.Random, tills: list) -> None:
    if rng.random() < 0.2:
        services.customer_subscriptions_update(org=org, customer=customer, reason="Asked at the till", subscriptions=[
            {"channel": Channel.SMS, "priority": Priority.BULK, "type": "OPTOUT"}])
    if rng.random() < 0.1:
        services.customer_note_add(org=org, customer=customer, till=rng.choice(tills) if tills else None,
                                   description=rng.choice(("Prefers evening home delivery", "Buys organic produce",
                                                           "Asked about the festive offers")))
    if rng.random() < 0.02:
        services.customer_status_change(org=org, customer=customer, label="Suspended", reason="Chargeback review")
