"""Loads the demo organisation: hierarchy, tills, staff, API credentials and master data (idempotent).

Later domains add their part (customers, bills, coupons) here, each through its own services.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from apps.cards.demo import demo_cards_load
from apps.coupons.demo import demo_coupons_load
from apps.customers.demo import demo_customers_load
from apps.organizations import services as org_services
from apps.organizations.bootstrap import org_bootstrap
from apps.organizations.choices import CustomFieldScope, CustomFieldType
from apps.organizations.models import Concept, CustomField, Location, PaymentMode, Store, Till, Zone
from apps.points.services import program_ensure_default
from apps.rules.services import demo_rules_load
from apps.staff.choices import StaffRole
from apps.staff.models import User
from apps.staff.services import staff_user_create
from apps.tiers.demo import demo_tiers_load
from apps.transactions.demo import demo_bills_load

DEMO_ORG = {"name": "Demo Retail", "code": "demo-retail", "currency": "INR", "timezone": "Asia/Kolkata"}
DEMO_TILL = ("demo.till", "demo-till-pass")
DEMO_OAUTH = ("demo-client-key", "demo-client-secret-change-me")
DEMO_STAFF_PASSWORD = "Demo-pass-2026"
DEMO_STAFF = [
    ("demo.admin", StaffRole.ORG_ADMIN, "Asha", "Rao", None),
    ("demo.marketer", StaffRole.MARKETER, "Ravi", "Menon", None),
    ("demo.manager", StaffRole.STORE_MANAGER, "Meera", "Iyer", "blr-indiranagar"),
    ("demo.cashier", StaffRole.TILL_OPERATOR, "Kiran", "Das", "blr-indiranagar"),
]
STORES = [
    # code, name, zone, concept, city, external id
    ("blr-indiranagar", "Indiranagar", "south", "supermarket", "Bengaluru", "EXT-BLR-01"),
    ("chn-tnagar", "T Nagar", "south", "express", "Chennai", "EXT-CHN-01"),
    ("del-saket", "Saket", "north", "supermarket", "New Delhi", "EXT-DEL-01"),
]
TENDERS = [("CASH", "CASH", "Payment in cash"), ("CARD", "CARD", "Debit or credit card"),
           ("UPI", "UPI", "Unified Payments Interface"), ("POINTS", "POINTS", "Paid with loyalty points"),
           ("GIFT", "GIFT_VOUCHER", "Gift voucher")]
CUSTOM_FIELDS = [
    ("favourite_store", "Favourite store", CustomFieldScope.LOYALTY_REGISTRATION, CustomFieldType.TEXT, [], False),
    ("preferred_language", "Preferred language", CustomFieldScope.LOYALTY_REGISTRATION, CustomFieldType.SELECT,
     ["en", "hi", "ta", "kn"], False),
    ("delivery_slot", "Delivery slot", CustomFieldScope.LOYALTY_TRANSACTION, CustomFieldType.SELECT,
     ["morning", "evening"], False),
    ("cashier_name", "Cashier name", CustomFieldScope.STORE, CustomFieldType.TEXT, [], False),
]


@dataclass
class DemoResult:
    org_name: str
    till: tuple[str, str]
    oauth: tuple[str, str]
    staff_password: str = ""
    staff: list[tuple[str, str, str]] = field(default_factory=list)


DEMO_LABELS = [("VIP", "High spenders"), ("New", "Joined in the last 90 days"), ("Lapsed", "No visit in 6 months"),
               ("Festive shopper", "Buys in festival seasons")]


def _demo_labels_load(*, org, seed: int) -> None:
    """Org labels and a deterministic spread of them over the demo customers (skipped once anyone is tagged)."""
    import random

    from apps.customers.models import Customer
    from apps.labels.models import CustomerLabel, Label
    from apps.labels.services import customer_labels_change, labels_create

    missing = [{"name": n, "description": d} for n, d in DEMO_LABELS
               if not Label.objects.for_org(org).filter(name=n).exists()]
    if missing:
        labels_create(org=org, labels=missing)
    if CustomerLabel.objects.filter(org=org).exists():
        return
    rng = random.Random(seed)
    for customer in Customer.objects.for_org(org).order_by("id")[:500]:
        chosen = [name for name, _ in DEMO_LABELS if rng.random() < 0.2]
        if chosen:
            customer_labels_change(org=org, customer=customer, add=chosen)


@transaction.atomic
def demo_load(*, seed: int = 42) -> DemoResult:
    """Create or refresh the demo organisation; safe to run any number of times."""
    boot = org_bootstrap(name=DEMO_ORG["name"], code=DEMO_ORG["code"], till_username=DEMO_TILL[0],
                         till_password=DEMO_TILL[1], oauth_key=DEMO_OAUTH[0], oauth_secret=DEMO_OAUTH[1],
                         base_currency=DEMO_ORG["currency"], timezone=DEMO_ORG["timezone"])
    org = boot.org
    if not org.city:
        org.city, org.state, org.country, org.country_code = "Bengaluru", "Karnataka", "India", "IN"
        org.locales = ["en", "hi"]
        org.save(update_fields=["city", "state", "country", "country_code", "locales"])
    zones = {code: Zone.objects.for_org(org).filter(code=code).first()
             or org_services.zone_create(org=org, code=code, name=f"{code.title()} zone") for code in ("north", "south")}
    concepts = {code: Concept.objects.for_org(org).filter(code=code).first()
                or org_services.concept_create(org=org, code=code, name=code.title()) for code in ("supermarket", "express")}
    for name, label, scope, ftype, options, mandatory in CUSTOM_FIELDS:
        if not CustomField.objects.for_org(org).filter(scope=scope, name=name).exists():
            org_services.custom_field_create(org=org, name=name, label=label, scope=scope, type=ftype,
                                             options=options, is_mandatory=mandatory)
    stores = {}
    for index, (code, name, zone, concept, city, ext) in enumerate(STORES, start=1):
        store = Store.objects.for_org(org).filter(code=code).first() or org_services.store_create(
            org=org, code=code, name=name, zone_id=zones[zone].pk, concept_id=concepts[concept].pk,
            external_ids=[ext], city=city, country="India", mobile=f"9180000000{index:02d}",
            email=f"{code}@demo-retail.example", custom_fields={"cashier_name": "Front desk"})
        stores[code] = store
        for n in (1, 2):
            till_code = f"{code}.till{n}"
            if not Till.objects.filter(username=till_code).exists():
                till = org_services.till_create(org=org, store=store, code=till_code, name=f"{name} till {n}",
                                                password=DEMO_TILL[1], is_default=n == 1)
                till.access_groups.set(boot.till.access_groups.all())
    for position, (name, canonical, description) in enumerate(TENDERS):
        if not PaymentMode.objects.for_org(org).filter(name=name).exists():
            org_services.payment_mode_create(org=org, name=name, canonical_name=canonical, description=description,
                                             position=position)
    for code, label in (("in-south", "South India"), ("in-north", "North India")):
        if not Location.objects.for_org(org).filter(code=code).exists():
            org_services.location_create(org=org, code=code, label=label, tags=["india"])
    result = DemoResult(org_name=org.name, till=DEMO_TILL, oauth=DEMO_OAUTH, staff_password=DEMO_STAFF_PASSWORD)
    for username, role, first, last, store_code in DEMO_STAFF:
        if not User.objects.filter(username=username).exists():
            store = stores.get(store_code) if store_code else None
            staff_user_create(org=org, username=username, password=DEMO_STAFF_PASSWORD, role=role, store=store,
                              first_name=first, last_name=last, email=f"{username}@demo-retail.example",
                              code=username.split(".")[1].upper())
        result.staff.append((username, DEMO_STAFF_PASSWORD, role.label))
    demo_customers_load(org=org, seed=seed)
    _demo_labels_load(org=org, seed=seed)
    demo_rules_load(org=org, program=program_ensure_default(org=org))
    demo_bills_load(org=org, seed=seed)
    demo_tiers_load(org=org, seed=seed)
    demo_coupons_load(org=org, seed=seed)
    demo_cards_load(org=org, seed=seed)
    return result
