"""manage.py bootstrap_org --name NAME --till-username U --till-password P [--oauth-key K --oauth-secret S]
[--earn-percent P]"""
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import DomainError
from apps.organizations.bootstrap import org_bootstrap


class Command(BaseCommand):
    help = "Create an organisation with a default store, a till, an OAuth client, full access and a programme (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--code", help="Short unique code (default: slug of the name)")
        parser.add_argument("--till-username", required=True)
        parser.add_argument("--till-password", required=True)
        parser.add_argument("--oauth-key")
        parser.add_argument("--oauth-secret")
        parser.add_argument("--currency", default="INR")
        parser.add_argument("--timezone", default="UTC")
        parser.add_argument("--earn-percent", default="1",
                            help="Points earned as a percentage of the bill amount by the default rule (0: no rule)")

    def handle(self, *args, **opts):
        try:
            earn_percent = Decimal(opts["earn_percent"])
        except InvalidOperation:
            raise CommandError("--earn-percent must be a number") from None
        try:
            result = org_bootstrap(name=opts["name"], code=opts["code"], till_username=opts["till_username"],
                                   till_password=opts["till_password"], oauth_key=opts["oauth_key"],
                                   oauth_secret=opts["oauth_secret"], base_currency=opts["currency"],
                                   timezone=opts["timezone"], earn_percent=earn_percent)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"{'Created' if result.created else 'Updated'} organisation {result.org.name} "
                          f"(id {result.org.pk}, code {result.org.code})")
        self.stdout.write(f"  store: {result.store.code} (id {result.store.pk})")
        self.stdout.write(f"  till (HTTP Basic): {result.till.username}")
        self.stdout.write(f"  OAuth key: {result.oauth_key}")
        if result.oauth_secret:
            self.stdout.write(f"  OAuth secret: {result.oauth_secret}")
        else:
            self.stdout.write("  OAuth secret: unchanged (pass --oauth-secret to set it)")
