"""The brand side: a member who runs a brand's page (a claim staff approved)."""

from __future__ import annotations

from accounts.models import User
from marketplace.models import Brand
from marketplace.services.brands import brand_claim, brand_claims_decide
from tests.factories.people import make_admin, person


def brand_manager(brand: Brand, name: str = "Mia Manager") -> User:
    """A new member who runs `brand`'s page: their claim, approved by a new admin."""
    manager = person(name)
    claim = brand_claim(member=manager, brand_id=brand.pk, note="Marketing lead")
    brand_claims_decide(staff=make_admin(f"Admin for {name}"), claim_ids=[claim.pk], approve=True)
    return manager
