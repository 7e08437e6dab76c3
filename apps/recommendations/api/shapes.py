"""The recommended-item shape both versions share (the platform's recommendation item: sku, score, rank, values)."""
from __future__ import annotations

from apps.recommendations.selectors import Recommendation


def item(rec: Recommendation) -> dict:
    product = rec.product
    return {
        "sku": rec.item_code,
        "score": rec.score,
        "rank": rec.rank,
        "basis": rec.basis,
        "values": {
            "name": product.description if product else "",
            "description": product.description if product else "",
            "categories": [product.category] if product and product.category else [],
            "brand": product.brand if product else "",
            "price": str(product.price) if product and product.price is not None else None,
        },
    }
