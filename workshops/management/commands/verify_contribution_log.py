from django.core.management.base import BaseCommand, CommandError

from workshops.contribution_log import chains_verify


class Command(BaseCommand):
    help = "Check every organisation's contribution log hash chain; exit non-zero if one is broken."

    def handle(self, *args, **options):
        checked, breaks = chains_verify()
        for chain_break in breaks:
            where = (
                f"entry {chain_break.entry_id}"
                if chain_break.entry_id is not None
                else "the end of the log"
            )
            self.stderr.write(
                f"Organisation {chain_break.organisation_id}: broken at {where}: "
                f"{chain_break.reason}."
            )
        if breaks:
            raise CommandError(f"{len(breaks)} of {checked} contribution log(s) are broken.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} contribution log(s) are intact."))
