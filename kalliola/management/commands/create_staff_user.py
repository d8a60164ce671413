import getpass
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from kalliola.roles import COORDINATORS, SUPPORT_WORKERS, create_staff_user

ROLES = {"coordinator": COORDINATORS, "support-worker": SUPPORT_WORKERS}


class Command(BaseCommand):
    help = (
        "Create a coordinator (the admin) or a support worker (the portal). The password must "
        "pass the password rules; it is asked twice, or read from the first line of standard "
        "input when that is not a terminal. No two-factor device is made: the person sets up "
        "an authenticator app at the first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **options):
        # In the site's language, as the admin speaks it (the password rules' messages too).
        with translation.override(settings.LANGUAGE_CODE):
            self._create(**options)

    def _create(self, *, username, role, email, first_name, last_name, **options):
        password = self._read_password()
        try:
            user = create_staff_user(
                username=username,
                role=ROLES[role],
                password=password,
                email=email,
                first_name=first_name,
                last_name=last_name,
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            _(
                "Created user %(username)s (id %(id)s) with the role %(role)s. Two-factor "
                "sign-in is set up at the first sign-in."
            )
            % {"username": user.username, "id": user.pk, "role": user.groups.get()}
        )

    def _read_password(self) -> str:
        if not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\r\n")
        password = getpass.getpass(_("Password: "))
        if getpass.getpass(_("Password (again): ")) != password:
            raise CommandError(_("The passwords differ."))
        return password
