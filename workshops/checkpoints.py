"""Checkpoints of the contribution log: each organisation's chain head, signed, kept outside.

Whoever can write to the database as its owner could change an entry and re-chain everything
after it, and the chain would check out again. A checkpoint taken before that says which entry
was last and what its hash was, signed with a key the database never holds: the re-chained log
no longer matches it. Leads download one, and get one by email each month, to keep.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.utils import timezone

from workshops.models import ContributionEntry, Organisation

VERSION = 1


def _key() -> bytes:
    if settings.CHECKPOINT_SIGNING_KEY:
        return settings.CHECKPOINT_SIGNING_KEY.encode()
    return hashlib.sha256(f"coprod.checkpoints:{settings.SECRET_KEY}".encode()).digest()


def _signature(body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_key(), canonical, hashlib.sha256).hexdigest()


def checkpoint_make(organisations) -> dict:
    """A signed checkpoint of each organisation's log as it stands now."""
    heads = []
    for organisation in organisations:
        entries = ContributionEntry.objects.filter(organisation=organisation)
        last = entries.order_by("-pk").values_list("pk", "entry_hash").first()
        heads.append(
            {
                "organisation": organisation.pk,
                "name": organisation.name,
                "entries": entries.count(),
                "last_entry": last[0] if last else None,
                "head": last[1] if last else "",
            }
        )
    body = {"version": VERSION, "made_at": timezone.now().isoformat(), "organisations": heads}
    return {"checkpoint": body, "signature": _signature(body)}


def checkpoint_problems(checkpoint: dict) -> list[str]:
    """What in today's log does not match the checkpoint (empty: it matches, or has grown
    since by appending only)."""
    body = checkpoint.get("checkpoint")
    if not isinstance(body, dict) or not hmac.compare_digest(
        str(checkpoint.get("signature", "")), _signature(body)
    ):
        return ["The checkpoint's signature does not match: it was changed, or signed elsewhere."]
    problems = []
    for head in body.get("organisations", []):
        name = f"Organisation {head['organisation']}"
        entries = ContributionEntry.objects.filter(organisation_id=head["organisation"])
        if not Organisation.objects.filter(pk=head["organisation"]).exists():
            problems.append(f"{name} is gone.")
            continue
        if head["last_entry"] is None:
            continue
        kept = entries.filter(pk=head["last_entry"]).values_list("entry_hash", flat=True).first()
        if kept != head["head"]:
            problems.append(
                f"{name}: entry {head['last_entry']} is not what it was at the checkpoint "
                "(changed or removed, and the log re-chained after it)."
            )
        elif entries.filter(pk__lte=head["last_entry"]).count() != head["entries"]:
            problems.append(f"{name}: entries from before the checkpoint were removed or added.")
    return problems
