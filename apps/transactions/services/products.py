"""The org's SKU master (bills may be required to name known item codes)."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ..models import Product


@transaction.atomic
def product_create(*, org, item_code: str, description: str = "", category: str = "", brand: str = "",
                   price: Decimal | None = None, attributes: dict | None = None, is_active: bool = True) -> Product:
    """Add an item to the SKU master (ProductCodeExists, 616, for a code the org already has)."""
    product = Product(org=org, item_code=item_code.strip(), description=description, category=category, brand=brand,
                      price=price, attributes=attributes or {}, is_active=is_active)
    product.full_clean(exclude=("org",), validate_constraints=False)
    product.save()
    return product


@transaction.atomic
def product_update(*, org, product: Product, **changes) -> Product:
    """Change an item of the SKU master (item code included)."""
    product = Product.objects.for_org(org).select_for_update().get(pk=product.pk)
    for name, value in changes.items():
        setattr(product, name, value)
    product.full_clean(exclude=("org",), validate_constraints=False)
    product.save()
    return product
