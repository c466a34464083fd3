"""ruam apikey create NAME [--body CODE] [--client-collects-consent] | revoke NAME | list"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ruam.accounts.models import ApiKey
from ruam.accounts.services import create_api_key, revoke_api_key
from ruam.bodies.models import Body


class Command(BaseCommand):
    help = "Create, revoke or list API keys for programs that send reports (Open311, apps)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it (shown only once)")
        create.add_argument("name")
        create.add_argument("--body", help="code of the body the key acts for, e.g. office-1046")
        create.add_argument(
            "--client-collects-consent",
            action="store_true",
            help="the program's owner attests that residents agree, in the program, before "
            "their contact details are sent; without it, contact details sent without "
            "attribute[contact_consent]=true are dropped (the report is kept)",
        )
        revoke = sub.add_parser("revoke", help="revoke a key")
        revoke.add_argument("name")
        sub.add_parser("list", help="list keys")

    def handle(self, *args, action: str, **options):
        if action == "create":
            if ApiKey.objects.filter(name=options["name"]).exists():
                raise CommandError(f"A key named {options['name']!r} exists already.")
            body = None
            if options.get("body"):
                body = Body.objects.filter(code=options["body"]).first()
                if body is None:
                    raise CommandError(f"No body with code {options['body']!r}.")
            _, key = create_api_key(
                name=options["name"],
                body=body,
                client_collects_consent=options.get("client_collects_consent", False),
            )
            self.stdout.write(key)
        elif action == "revoke":
            try:
                revoke_api_key(name=options["name"])
            except ApiKey.DoesNotExist as exc:
                raise CommandError(f"No key named {options['name']!r}.") from exc
            self.stdout.write(f"Revoked {options['name']}.")
        else:
            for key in ApiKey.objects.all():
                state = "active" if key.is_active else "revoked"
                consent = "client-collects-consent" if key.client_collects_consent else "-"
                self.stdout.write(
                    f"{key.name}\t{key.prefix}…\t{state}\t{consent}\t{key.last_used or '-'}"
                )
