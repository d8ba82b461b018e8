"""The demo community's consents, so the "bike" story shows on a demo login.

Demo people are seeded without any consent (every purpose starts off). This step has most of
them grant, as at onboarding, `social_proof` to friends of friends and `influence` to friends;
every seventh person of the roster grants nothing, so the demo also shows people who are never
counted. Anna's search for "bike" then shows a real funnel. Idempotent: a purpose someone already
granted (or later changed on their dashboard) is left alone; nothing is ever withdrawn here.
"""

from __future__ import annotations

from accounts.demo import ANNA, demo_step, demo_users
from privacy.models import ConsentRecord, ConsentState
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant

GRANTS = ((Purpose.SOCIAL_PROOF, Scope.FOF), (Purpose.INFLUENCE, Scope.FRIENDS))
ABSTAIN_EVERY = 7  # every seventh person (by email) keeps everything off


def consenting(people: dict) -> list:
    """Most demo people, in a fixed order; Anna always among them."""
    ordered = [people[email] for email in sorted(people)]
    return [
        person
        for index, person in enumerate(ordered)
        if person.email == ANNA.email or index % ABSTAIN_EVERY != ABSTAIN_EVERY - 1
    ]


@demo_step
def seed_consents() -> str:
    people = consenting(demo_users())
    held = set(ConsentState.objects.filter(user__in=people).values_list("user_id", "purpose"))
    new = 0
    for person in people:
        for purpose, scope in GRANTS:
            if (person.pk, purpose) in held:
                continue
            consent_grant(
                user=person, purpose=purpose, scope=scope, method=ConsentRecord.Method.ONBOARDING
            )
            new += 1
    return f"Consents: social proof and trusted voice for {len(people)} people ({new} new)"
