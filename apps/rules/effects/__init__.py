"""Effect types, registered on import (see base.py)."""
from . import customer, outbox, points  # noqa: F401 (registration)
from .base import EFFECTS, ApplyRun, Effect, Param, PlanContext, effect_for, effect_register, effects_clean

__all__ = ["EFFECTS", "ApplyRun", "Effect", "Param", "PlanContext", "effect_for", "effect_register", "effects_clean"]
