from django.db.models import Model
from django.utils import timezone

from workshops.models import ContributionEntry, Membership, Organisation
from workshops.scope import workshop_and_module_ids


def contribution_record(
    *,
    actor: Membership,
    action: str,
    target: Model,
    words_added: int = 0,
    words_removed: int = 0,
) -> ContributionEntry:
    """Append one entry to the organisation's contribution log, chained to the previous one.

    Must run inside the caller's transaction, so the entry exists exactly when the change does.
    The organisation row is locked first: appends to one chain are serialised and it never forks.
    The entry's workshop and module are those the target belongs to.
    """
    workshop_id, module_id = workshop_and_module_ids(target)
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
    entry = ContributionEntry(
        organisation_id=organisation.pk,
        membership_id=actor.pk,
        perspective=actor.perspective,
        action=str(action),
        target_type=target._meta.model_name,
        target_id=target.pk,
        workshop_id=workshop_id,
        module_id=module_id,
        words_added=words_added,
        words_removed=words_removed,
        created_at=timezone.now(),
        previous_hash=organisation.log_head_hash,
    )
    entry.entry_hash = entry.compute_hash()
    entry.save()
    Organisation.objects.filter(pk=organisation.pk).update(log_head_hash=entry.entry_hash)
    return entry
