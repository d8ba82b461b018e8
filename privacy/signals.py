"""Consent versions move where consent rows change, whoever writes them (a service, the admin, a
shell, a data migration): `privacy.consent.consent_version(purpose)` is in the key of every
cache of data gated by that purpose."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from privacy.consent import consents_changed
from privacy.models import ConsentState


@receiver(post_save, sender=ConsentState, dispatch_uid="privacy.consent_saved")
@receiver(post_delete, sender=ConsentState, dispatch_uid="privacy.consent_deleted")
def consent_state_changed(sender, instance: ConsentState, **kwargs) -> None:
    """A grant was made, re-scoped or withdrawn: its purpose's version moves."""
    consents_changed([instance.purpose])


@receiver(m2m_changed, sender=ConsentState.circles.through, dispatch_uid="privacy.consent_circles")
def consent_circles_changed(sender, instance, action: str, **kwargs) -> None:
    """The circles a grant is scoped to changed (`circles` has no reverse accessor, so
    `instance` is always the grant). A deleted circle's rows here go without a signal, but its
    members' networks move with their memberships (`social/signals.py`)."""
    if action in ("post_add", "post_remove", "post_clear"):
        consents_changed([instance.purpose])
