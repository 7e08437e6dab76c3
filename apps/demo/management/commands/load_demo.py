"""manage.py load_demo: the demo organisation with its data, and where to log in."""
from django.core.management.base import BaseCommand

from apps.demo.services import demo_load


class Command(BaseCommand):
    help = "Load (or refresh) the demo organisation. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, **opts):
        result = demo_load(seed=opts["seed"])
        base = opts["base_url"].rstrip("/")
        lines = [
            "",
            f"Demo organisation '{result.org_name}' is ready.",
            f"  Admin (marketers, managers):  {base}/admin/",
        ]
        lines += [f"      {u} / {p}   ({role})" for u, p, role in result.staff]
        lines += [
            f"  Till screens (store staff):   {base}/till/   e.g. demo.cashier / {result.staff_password}",
            f"  API base URLs:                {base}/v1.1/  {base}/v2/  {base}/v3/",
            f"  API docs:                     {base}/api/docs/",
            f"  Till (HTTP Basic):            {result.till[0]} / {result.till[1]}",
            f"  OAuth client:                 key {result.oauth[0]}  secret {result.oauth[1]}",
            f"  Try: curl -u {result.till[0]}:{result.till[1]} {base}/v1.1/organization/get?format=json",
            "",
        ]
        self.stdout.write("\n".join(lines))
