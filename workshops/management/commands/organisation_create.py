from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from workshops.enums import OrganisationKind, Perspective
from workshops.services.organisations import organisation_create


class Command(BaseCommand):
    help = (
        "Make an organisation and an invitation for its first lead, and print the invitation "
        "link to give them (nothing is emailed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="The organisation's name, as its people say it.")
        parser.add_argument("--lead-email", required=True, dest="lead_email")
        parser.add_argument("--lead-name", required=True, dest="lead_name")
        parser.add_argument(
            "--lead-perspective",
            required=True,
            choices=Perspective.values,
            dest="lead_perspective",
        )
        parser.add_argument(
            "--kind", choices=OrganisationKind.values, default=OrganisationKind.OTHER
        )

    def handle(self, *args, name, lead_email, lead_name, lead_perspective, kind, **options):
        try:
            invitation = organisation_create(
                name=name,
                lead_email=lead_email,
                lead_name=lead_name,
                lead_perspective=lead_perspective,
                kind=kind,
                actor=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        organisation = invitation.organisation
        self.stdout.write(
            self.style.SUCCESS(
                f"Made “{organisation.name}” (id {organisation.pk}). "
                f"Give this link to {invitation.full_name} <{invitation.email}> so they can "
                "join as its lead:"
            )
        )
        self.stdout.write(invitation.link)
        self.stdout.write(f"It works once, for {settings.INVITATION_VALID_DAYS} days.")
