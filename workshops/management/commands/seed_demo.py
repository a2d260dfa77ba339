"""``manage.py seed_demo``: demo organisations, people and workshops to try the app with."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from workshops.demo_content import (
    DEMO_PASSWORD,
    DEMO_URL,
    FAIR_PAY,
    ORGANISATIONS,
    PEOPLE,
    WORKSHOPS,
)
from workshops.enums import (
    ConsentAudience,
    ConsentMethod,
    DecisionKind,
    Payment,
    Role,
    SectionKind,
)
from workshops.financial_year import financial_year_bounds, financial_year_of
from workshops.models import Membership, Organisation, User
from workshops.pay import month_start
from workshops.services.consent import consent_record
from workshops.services.content import (
    module_create,
    section_create,
    section_update,
    workshop_create,
)
from workshops.services.deliveries import attendee_add, delivery_create, register_update
from workshops.services.evaluation import answers_submit, evaluation_create, feedback_action_add
from workshops.services.pay import expense_add, funding_pot_set, pay_rate_add, payment_choice_set
from workshops.services.reviews import comment_add, review_decide, review_round_open
from workshops.services.time import time_entry_create


class Command(BaseCommand):
    help = (
        "Create two demo organisations with their people and workshops, and print the demo "
        "sign-ins. Safe to run again: whatever already exists is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with production settings (the demo accounts share a known password).",
        )

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not options["allow_production"]:
            raise CommandError(
                "Refusing to create demo accounts with a known password under production "
                "settings. Pass --allow-production if you really mean it."
            )
        # The demo's review rounds and sign-offs are history, not news: their emails (sent once
        # the transaction commits) go nowhere.
        dummy_email = "django.core.mail.backends.dummy.EmailBackend"
        with override_settings(EMAIL_BACKEND=dummy_email), transaction.atomic():
            organisations = {spec["name"]: self._organisation(spec) for spec in ORGANISATIONS}
            memberships = self._memberships(organisations)
            for spec in WORKSHOPS:
                self._workshop(spec, organisations, memberships)
            self._fair_pay(FAIR_PAY, organisations, memberships)
        self._print_sign_ins(memberships)

    def _organisation(self, spec):
        # Looked up by name, the demo's stable key; the oldest wins if someone made a copy.
        organisation = Organisation.objects.filter(name=spec["name"]).order_by("pk").first()
        if organisation is None:
            organisation = Organisation.objects.create(name=spec["name"], kind=spec["kind"])
            self._say(f"Created organisation {organisation}.")
        return organisation

    def _memberships(self, organisations):
        """Users and memberships straight through the ORM: a seed has no invitation step.

        An existing account keeps its password, so running the seed again changes nothing.
        """
        memberships = {}
        for person in PEOPLE:
            user = User.objects.filter(email=person["email"]).first()
            if user is None:
                user = User.objects.create_user(
                    person["email"],
                    DEMO_PASSWORD,
                    full_name=person["full_name"],
                    first_name=person["first_name"],
                )
                self._say(f"Created account {user.email}.")
            for spec in person["memberships"]:
                organisation = organisations[spec["organisation"]]
                membership, created = Membership.objects.get_or_create(
                    user=user,
                    organisation=organisation,
                    defaults={
                        "role": spec["role"],
                        "perspective": spec["perspective"],
                        "is_external": spec["is_external"],
                        "credit_preference": spec["credit_preference"],
                    },
                )
                if created:
                    self._say(f"Added {user.email} to {organisation}.")
                memberships[(user.email, organisation.name)] = membership
        return memberships

    def _workshop(self, spec, organisations, memberships):
        """Write a workshop through the services, so each part gets its revision and log entry.

        Skipped whole if the organisation already has a workshop with this title.
        """
        organisation = organisations[spec["organisation"]]
        if organisation.workshops.filter(title=spec["title"]).exists():
            self._say(f"{organisation} already has “{spec['title']}”; left as it is.")
            return

        def author(email):
            return memberships[(email, organisation.name)]

        workshop = workshop_create(
            organisation=organisation,
            title=spec["title"],
            audience=spec["audience"],
            description=spec["description"],
            actor=author(spec["author"]),
        )
        section_count = 0
        modules = []
        for module_spec in spec["modules"]:
            module = module_create(
                workshop=workshop,
                title=module_spec["title"],
                learning_outcomes=module_spec["learning_outcomes"],
                planned_minutes=module_spec["planned_minutes"],
                actor=author(module_spec["author"]),
            )
            modules.append(module)
            for section_spec in module_spec["sections"]:
                section = section_create(
                    module=module,
                    title=section_spec["title"],
                    body=section_spec["body"],
                    kind=section_spec["kind"],
                    audience=section_spec["audience"],
                    content_note=section_spec["content_note"],
                    source_tags=section_spec["source_tags"],
                    actor=author(section_spec["author"]),
                )
                if section.kind == SectionKind.LIVED_EXPERIENCE_STORY:
                    self._consent(section, author(section_spec["author"]), author(spec["author"]))
                section_count += 1
        for module in modules[: spec["agreed_modules"]]:
            self._agree(module, spec["review"], author)
        if spec.get("waiting_review"):
            self._await_decision(modules[spec["agreed_modules"]], spec["waiting_review"], author)
        if spec.get("evaluation"):
            self._evaluation(workshop, spec["evaluation"], spec["review"], author)
        for delivery_spec in spec.get("deliveries", ()):
            self._delivery(workshop, delivery_spec, author, actor=author(spec["author"]))
        self._say(
            f"Created “{workshop}” in {organisation}: "
            f"{len(spec['modules'])} modules, {section_count} sections, "
            f"{spec['agreed_modules']} agreed."
        )

    def _fair_pay(self, spec, organisations, memberships):
        """A rate card from the start of this financial year, a person's time this month priced
        from it with their own choices, an expense and the year's funding pot, all through the
        pay services. Skipped whole if the organisation already has a rate card."""
        organisation = organisations[spec["organisation"]]
        if organisation.pay_rates.exists():
            self._say(f"{organisation} already has a rate card; fair pay left as it is.")
            return

        def member(email):
            return memberships[(email, organisation.name)]

        lead, today = member(spec["lead"]), timezone.localdate()
        year = financial_year_of(today)
        days = {"first": month_start(today), "today": today}
        for rate in spec["rates"]:
            pay_rate_add(
                organisation=organisation,
                starts_on=financial_year_bounds(year)[0],
                actor=lead,
                **rate,
            )
        for item in spec["time"]:
            person = member(item["by"])
            entry = time_entry_create(
                membership=person,
                date=days[item["day"]],
                minutes=item["minutes"],
                activity=item["activity"],
                payment=Payment.PAID,
                actor=person,
            )
            if item["choice"] != Payment.PAID:
                payment_choice_set(entry=entry, payment=item["choice"], actor=person)
        for item in spec["expenses"]:
            expense_add(
                membership=member(item["by"]),
                date=days[item["day"]],
                kind=item["kind"],
                miles=Decimal(item["miles"]),
                receipt_note=item["receipt_note"],
                actor=member(item["by"]),
            )
        funding_pot_set(organisation=organisation, year=year, actor=lead, **spec["pot"])
        self._say(
            f"Added a rate card, {len(spec['time'])} time records, {len(spec['expenses'])} "
            f"expense and a funding pot to {organisation}."
        )

    def _delivery(self, workshop, spec, author, *, actor):
        """A delivery with its weekly sessions led by a family carer and a professional; for a
        finished one, every session's register is kept (each attendee missed one session)."""
        day = timezone.localdate() + timedelta(days=spec["first_session_in_days"])
        delivery = delivery_create(
            workshop=workshop,
            title=spec["title"],
            place=spec["place"],
            is_online=spec.get("is_online", False),
            first_session_at=timezone.make_aware(datetime.combine(day, time(18, 30))),
            session_count=spec["sessions"],
            team=[author(email) for email in spec["team"]],
            actor=actor,
        )
        attendees = [
            attendee_add(delivery=delivery, actor=actor, **details) for details in spec["attendees"]
        ]
        for number, session in enumerate(delivery.sessions.order_by("starts_at")):
            if session.starts_at < timezone.now():
                present = [a for i, a in enumerate(attendees) if i != number % len(attendees)]
                register_update(session=session, present=present, actor=actor)
        if spec.get("answers"):
            self._answers(delivery, spec["answers"])
        for action in spec.get("actions", ()):
            feedback_action_add(
                delivery=delivery,
                module=workshop.modules.get(title=action["module"]),
                text=action["text"],
                actor=author(action["by"]),
            )

    def _consent(self, story, teller, actor):
        """Written consent from the member whose story it is, for attendees and facilitators,
        named as they chose to be credited, for two years."""
        consent_record(
            section=story,
            teller=teller,
            audience=ConsentAudience.EVERYONE,
            naming=teller.credit_preference,
            expires_on=timezone.localdate() + timedelta(days=730),
            method=ConsentMethod.WRITTEN,
            actor=actor,
        )

    def _evaluation(self, workshop, spec, review, author):
        """The evaluation from the starter questions, one rewritten by the other perspective,
        signed off like any module."""
        evaluation = evaluation_create(workshop=workshop, actor=author(spec["started_by"]))
        rewrite = spec["rewrite"]
        question = evaluation.sections.get(title=rewrite["title"])
        section_update(
            section=question,
            based_on_version=question.version,
            title=question.title,
            body=rewrite["body"],
            kind=question.kind,
            audience=question.audience,
            actor=author(rewrite["by"]),
        )
        self._agree(evaluation, review, author)

    def _answers(self, delivery, spec):
        """Made-up answers at each stage, one set per made-up code."""
        evaluation = delivery.workshop.modules.get(is_evaluation=True)
        version = evaluation.agreed_version
        ids = {section["title"]: str(section["id"]) for section in version.sections}
        for stage, by_title in (("before", spec["before"]), ("after", spec["after"])):
            for n, code in enumerate(spec["codes"]):
                answers_submit(
                    delivery=delivery,
                    version=version,
                    stage=stage,
                    code=code,
                    answers={ids[title]: values[n] for title, values in by_title.items()},
                )

    def _agree(self, module, review, author):
        """Sign a module off through a real review round: a family carer and a professional."""
        reviewers = [author(email) for email in review["approvals"]]
        round = review_round_open(
            module=module, reviewers=reviewers, actor=author(review["opened_by"])
        )
        for reviewer in reviewers:
            review_decide(
                round=round,
                kind=DecisionKind.APPROVE,
                content_hash=round.version.content_hash,
                actor=reviewer,
            )

    def _await_decision(self, module, review, author):
        """Open a round that one reviewer has approved and commented on, the other still to
        decide: what a person's home page shows as waiting for them."""
        round = review_round_open(
            module=module,
            reviewers=[author(email) for email in review["reviewers"]],
            actor=author(review["opened_by"]),
        )
        approver = author(review["approved_by"])
        comment_add(
            round=round,
            body=review["comment"],
            section_id=round.version.sections[0]["id"],
            actor=approver,
        )
        review_decide(
            round=round,
            kind=DecisionKind.APPROVE,
            content_hash=round.version.content_hash,
            actor=approver,
        )

    def _print_sign_ins(self, memberships):
        header = ("Email", "Role", "Perspective", "Organisation", "Password")
        rows = [
            (
                membership.user.email,
                str(Role(membership.role).label),
                str(membership.perspective_label),
                membership.organisation.name,
                DEMO_PASSWORD,
            )
            for membership in memberships.values()
        ]
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

        def line(cells):
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo sign-ins"))
        self.stdout.write(line(header).rstrip())
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row).rstrip())
        self.stdout.write("")
        self.stdout.write(f"Every demo account uses the password {DEMO_PASSWORD}")
        self.stdout.write("(unless it was changed after the account was first seeded).")
        self.stdout.write(f"Open {DEMO_URL} and sign in with any email above.")

    def _say(self, message):
        self.stdout.write(message)
