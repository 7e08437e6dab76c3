"""Readable renderings of evaluation logs and backtest results (for the admin screens of this and other apps)."""
from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


def _effect_text(item: dict) -> str:
    kind = item.get("type", "")
    if kind == "award_points":
        text = f"{item.get('points')} points"
        lines = item.get("linePoints") or {}
        if lines:
            text += " (lines " + ", ".join(f"#{index}: {points}" for index, points in lines.items()) + ")"
        if item.get("basis"):
            text += f" — {item['basis']} {item.get('rate', '')} ({item.get('rateSource', 'default')})"
        if item.get("cappedBy"):
            text += f", capped by {item['cappedBy']} from {item.get('uncapped')}"
        return text
    details = ", ".join(f"{key}={value}" for key, value in item.items() if key != "type" and key != "body")
    return f"{kind.replace('_', ' ')}: {details}" if details else kind.replace("_", " ")


def log_rows(log) -> list[dict]:
    """One row per rule of an evaluation log: outcome, reason, effects and skipped effects as text."""
    rows = []
    for entry in log or []:
        if not isinstance(entry, dict):
            continue
        notes = [f"{s.get('type')}: {s.get('reason')}" for s in entry.get("skipped") or []]
        if capped := entry.get("capped"):
            notes.append(f"capped by {capped.get('by')}: {capped.get('uncapped')} → {capped.get('allowed')}")
        rows.append({
            "rule": entry.get("ruleName") or entry.get("ruleId"), "rule_id": entry.get("ruleId"),
            "phase": entry.get("phase", ""), "matched": bool(entry.get("matched")),
            "reason": entry.get("reason", ""), "stopped": bool(entry.get("stopped")),
            "effects": [_effect_text(item) for item in entry.get("effects") or []], "notes": notes,
        })
    return rows


def evaluation_log_html(log) -> SafeString:
    """The evaluation log as an HTML table (use it in an admin readonly field)."""
    return render_to_string("rules/evaluation_log.html", {"rows": log_rows(log)})


def backtest_result_html(backtest) -> SafeString:
    """A backtest's progress and, once finished, its per-rule comparison."""
    return render_to_string("rules/backtest_result.html", {"backtest": backtest, "run": backtest.job_run,
                                                           "result": backtest.result or {}})
