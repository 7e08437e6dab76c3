"""Deterministic demo bills for the demo org: a SKU master and ~1,000 bills of the demo members, added through the
services (so they earn through the org's rules), with some non-member bills and some returns."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.core.errors import DomainError
from apps.customers.models import Customer
from apps.organizations.models import Till

from .choices import BillType, ReturnType
from .models import Bill, Product
from .services import BillInput, CustomerRef, LineInput, TenderInput, bill_add, product_create

DEMO_BILL_COUNT = 1000
DEMO_DAYS = 120
MARKER_NUMBER = "DEMO-000001"  # present once the demo bills are loaded
# item code, description, category, brand, price (INR)
PRODUCTS = [
    ("FW-RUN-01", "Running shoes", "Footwear", "Bata", "2499"), ("FW-SND-02", "Leather sandals", "Footwear", "Metro",
                                                                 "1299"),
    ("FW-SLP-03", "Flip-flops", "Footwear", "Paragon", "349"), ("FW-FRM-04", "Formal shoes", "Footwear", "Red Chief",
                                                                "3199"),
    ("AP-KUR-01", "Cotton kurta", "Apparel", "Fabindia", "1199"), ("AP-TSH-02", "Crew-neck T-shirt", "Apparel",
                                                                    "Jockey", "499"),
    ("AP-JNS-03", "Slim-fit jeans", "Apparel", "Levi's", "2299"), ("AP-SAR-04", "Silk saree", "Apparel", "Nalli",
                                                                   "5499"),
    ("GR-RIC-01", "Basmati rice 5 kg", "Grocery", "India Gate", "689"), ("GR-DAL-02", "Toor dal 1 kg", "Grocery",
                                                                        "Tata Sampann", "179"),
    ("GR-ATA-03", "Whole wheat atta 10 kg", "Grocery", "Aashirvaad", "489"), ("GR-OIL-04", "Sunflower oil 1 l",
                                                                             "Grocery", "Fortune", "165"),
    ("GR-TEA-05", "Assam tea 500 g", "Grocery", "Tata Tea", "285"), ("GR-SUG-06", "Sugar 1 kg", "Grocery", "Madhur",
                                                                     "52"),
    ("DA-MLK-01", "Toned milk 1 l", "Dairy", "Amul", "66"), ("DA-PNR-02", "Paneer 200 g", "Dairy", "Mother Dairy", "95"),
    ("DA-CRD-03", "Curd 400 g", "Dairy", "Nandini", "45"), ("DA-GHE-04", "Cow ghee 500 ml", "Dairy", "Amul", "330"),
    ("PC-SHM-01", "Herbal shampoo 340 ml", "Personal care", "Himalaya", "245"),
    ("PC-SOP-02", "Sandal soap (pack of 4)", "Personal care", "Mysore Sandal", "220"),
    ("PC-PST-03", "Toothpaste 150 g", "Personal care", "Colgate", "110"),
    ("HM-DET-01", "Detergent powder 2 kg", "Home", "Surf Excel", "399"),
    ("HM-CLN-02", "Floor cleaner 1 l", "Home", "Lizol", "219"), ("HM-BLB-03", "LED bulb 9 W", "Home", "Philips", "99"),
    ("SN-BIS-01", "Digestive biscuits", "Snacks", "Britannia", "60"), ("SN-NAM-02", "Aloo bhujia 400 g", "Snacks",
                                                                       "Haldiram's", "110"),
    ("BV-COF-01", "Filter coffee 500 g", "Beverages", "Narasu's", "310"), ("BV-JUI-02", "Mango juice 1 l",
                                                                           "Beverages", "Real", "120"),
]
TENDERS = ("CASH", "CARD", "UPI")


def _products_ensure(org) -> dict[str, Product]:
    existing = {p.item_code: p for p in Product.objects.for_org(org)}
    for code, description, category, brand, price in PRODUCTS:
        if code not in existing:
            existing[code] = product_create(org=org, item_code=code, description=description, category=category,
                                            brand=brand, price=Decimal(price))
    return existing


def _lines(rng: random.Random, products: list[Product]) -> list[LineInput]:
    lines = []
    for product in rng.sample(products, rng.choice((1, 1, 2, 2, 3, 3, 4, 5))):
        qty = Decimal(rng.choice((1, 1, 1, 2, 2, 3)))
        discount = (product.price * qty * Decimal(rng.choice((0, 0, 0, 5, 10))) / 100).quantize(Decimal("1"))
        lines.append(LineInput(item_code=product.item_code, description=product.description, qty=qty,
                               rate=product.price, discount=discount))
    return lines


def _sale(rng, n: int, at: datetime, customer: Customer | None, products) -> BillInput:
    lines = _lines(rng, products)
    amount = sum((line.rate * line.qty - line.discount for line in lines), Decimal(0))
    data = BillInput(type=BillType.REGULAR if customer else BillType.NOT_INTERESTED, number=f"DEMO-{n:06d}",
                     billing_time=at, lines=lines, tenders=[TenderInput(mode=rng.choice(TENDERS), value=amount)],
                     customer=CustomerRef(identifier_name="id", identifier_value=str(customer.pk)) if customer
                     else CustomerRef(identifier_name="mobile", identifier_value=f"9170{n:08d}"),
                     custom_fields={"delivery_slot": rng.choice(("morning", "evening"))} if rng.random() < 0.2 else {})
    if customer is None:
        data.not_interested_reason = rng.choice(("In a hurry", "Not interested in loyalty", "Will register later"))
    return data


def _return(rng, parent: Bill, at: datetime) -> BillInput | None:
    """A return the parent can still take (a bill is returned one way only), or None."""
    kinds = {"": (ReturnType.LINE_ITEM, ReturnType.LINE_ITEM, ReturnType.AMOUNT, ReturnType.FULL),
             ReturnType.LINE_ITEM: (ReturnType.LINE_ITEM,)}.get(parent.return_mode)
    if parent.is_fully_returned or not kinds:
        return None
    kind = rng.choice(kinds)
    data = BillInput(type=BillType.RETURN, number=parent.number, parent_id=parent.pk, parent_number=parent.number,
                     return_type=kind, billing_time=at,
                     customer=CustomerRef(identifier_name="id", identifier_value=str(parent.customer_id)))
    if kind == ReturnType.LINE_ITEM:
        open_lines = [line for line in parent.lines.all() if line.remaining_qty >= 1]
        if not open_lines:
            return None
        data.lines = [LineInput(item_code=rng.choice(open_lines).item_code, qty=Decimal(1))]
    elif kind == ReturnType.AMOUNT:
        data.amount = (parent.amount * Decimal(rng.choice((10, 25, 50))) / 100).quantize(Decimal("0.01"))
    return data


def demo_bills_load(*, org, seed: int = 42, count: int = DEMO_BILL_COUNT) -> int:
    """Add the demo bills once (idempotent: nothing happens when they exist); returns how many bills were added."""
    if Bill.objects.for_org(org).filter(number=MARKER_NUMBER).exists():
        return 0
    rng = random.Random(seed)
    products = [p for _, p in sorted(_products_ensure(org).items())]
    tills = list(Till.objects.for_org(org).filter(is_active=True).select_related("store").order_by("code"))
    members = list(Customer.objects.for_org(org).filter(loyalty_type="LOYALTY").order_by("id"))
    if not tills or not members:
        return 0
    start = timezone.localdate() - timedelta(days=DEMO_DAYS)
    zone = ZoneInfo(org.timezone or "UTC")
    moments = sorted(datetime.combine(start + timedelta(days=rng.randrange(DEMO_DAYS)),
                                      time(rng.randrange(9, 22), rng.randrange(60)), tzinfo=zone) for _ in range(count))
    added, sold = 0, []
    for n, at in enumerate(moments, start=1):
        till = rng.choice(tills)
        if sold and rng.random() < 0.05:
            parent = rng.choice(sold)
            parent.refresh_from_db()
            data = _return(rng, parent, at)
            if data is not None:
                try:
                    bill_add(org=org, data=data, till=till)
                    added += 1
                except DomainError:  # e.g. a BLOCK deficit policy refusing it: the demo simply skips that return
                    pass
                continue
        customer = rng.choice(members) if rng.random() > 0.06 else None
        result = bill_add(org=org, data=_sale(rng, n, at, customer, products), till=till)
        added += 1
        if customer is not None:
            sold.append(result.bill)
    return added
