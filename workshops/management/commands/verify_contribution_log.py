import json

from django.core.management.base import BaseCommand, CommandError

from workshops.checkpoints import checkpoint_problems
from workshops.contribution_log import chains_verify


class Command(BaseCommand):
    help = (
        "Check every organisation's contribution log hash chain, and with --checkpoint that the "
        "log still holds what a checkpoint a lead kept says; exit non-zero if not."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="a checkpoint file (downloaded from the log page, or emailed to leads)",
        )

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
        problems = []
        if options["checkpoint"]:
            try:
                with open(options["checkpoint"], encoding="utf-8") as file:
                    problems = checkpoint_problems(json.load(file))
            except (OSError, ValueError) as error:
                raise CommandError(f"Could not read the checkpoint: {error}") from error
            for problem in problems:
                self.stderr.write(problem)
        if breaks or problems:
            found = [f"{len(breaks)} of {checked} contribution log(s) are broken."]
            if problems:
                found.append(f"{len(problems)} difference(s) from the checkpoint.")
            raise CommandError(" ".join(found))
        against = " and match the checkpoint" if options["checkpoint"] else ""
        self.stdout.write(
            self.style.SUCCESS(f"All {checked} contribution log(s) are intact{against}.")
        )
