"""{% load rules_tags %} {% evaluation_log bill.evaluation_log %} renders a stored evaluation log as a table."""
from django import template

from apps.rules.presentation import log_rows

register = template.Library()


@register.inclusion_tag("rules/evaluation_log.html")
def evaluation_log(log):
    return {"rows": log_rows(log)}
