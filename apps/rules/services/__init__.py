"""Writes of the rules domain (a package: rules, applying effects, backtests, demo data)."""
from .apply import effects_apply
from .backtest import BACKTEST_KIND, BillSource, TransactionsBillSource, backtest_run, backtest_start
from .demo import demo_rules_load
from .rules import (DEFAULT_EARN_KEY, default_earn_rule_ensure, program_rule_settings_set, rule_create, rule_set_status,
                    rule_update)

__all__ = [
    "BACKTEST_KIND", "DEFAULT_EARN_KEY", "BillSource", "TransactionsBillSource", "backtest_run", "backtest_start",
    "default_earn_rule_ensure", "demo_rules_load", "effects_apply", "program_rule_settings_set", "rule_create",
    "rule_set_status", "rule_update",
]
