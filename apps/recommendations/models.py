"""No tables of its own: recommendations are computed from the transaction domain's bills and lines."""
