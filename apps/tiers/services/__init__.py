"""Writes of the tiers domain: ladders and their changes, moves between tiers, scheduled checks."""
from .checks import (CHECK_DAILY_KEY, ChunkResult, org_ids_with_tiers, tier_checks_chunk, tier_checks_for_day,
                     tier_checks_run, tier_checks_start)
from .ladder import (ladder_change_apply_run, ladder_change_apply_start, ladder_change_create, ladder_preview,
                     tier_create, tier_settings_set, tier_update)
from .membership import (ManualResult, tier_evaluate, tier_manual_adjust, tier_on_adjust, tier_on_earn, tier_project,
                         tier_return_recorded, tiers_upgrade_all)

__all__ = [
    "CHECK_DAILY_KEY", "ChunkResult", "ManualResult", "ladder_change_apply_run", "ladder_change_apply_start",
    "ladder_change_create", "ladder_preview", "org_ids_with_tiers", "tier_checks_chunk", "tier_checks_for_day",
    "tier_checks_run", "tier_checks_start", "tier_create", "tier_evaluate", "tier_manual_adjust", "tier_on_adjust",
    "tier_on_earn",
    "tier_project", "tier_return_recorded", "tiers_upgrade_all", "tier_settings_set", "tier_update",
]
