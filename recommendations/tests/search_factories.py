"""A small social graph around one viewer, with bike purchases, reviews and posts, for the social
search tests. Products live in the real catalog's subcategories (migration 0003)."""

from __future__ import annotations

from datetime import date

from marketplace.models import Brand, Category, ProductModel, Purchase, Review
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant
from social.services import posts
from tests.factories import PersonFactory, befriend


def bike(name: str, *, brand: str = "Trek", kind: str = "mountain-bikes") -> ProductModel:
    maker, _ = Brand.objects.get_or_create(name=brand, defaults={"slug": brand.lower()})
    product, _ = ProductModel.objects.get_or_create(
        slug=f"{brand}-{name}".lower().replace(" ", "-"),
        defaults={"brand": maker, "name": name, "category": Category.objects.get(slug=kind)},
    )
    return product


def buy(buyer, product: ProductModel, *, verified: bool = False) -> Purchase:
    return Purchase.objects.create(
        buyer=buyer,
        product_model=product,
        category=product.category,
        brand=product.brand,
        verified=verified,
        purchased_on=date(2026, 3, 1),
    )


def review(author, product: ProductModel, **fields) -> Review:
    values = {"rating": 4, "title": f"{author.display_name} on it", "text": "Good.", **fields}
    values.setdefault("audience", "fof")
    return Review.objects.create(author=author, product_model=product, **values)


def consent(person, scope: str = Scope.FOF, purpose: str = Purpose.SOCIAL_PROOF) -> None:
    consent_grant(user=person, purpose=purpose, scope=scope, method="onboarding")


def talk(person, text: str = "Out on my new bike today", audience: str = "fof"):
    return posts.post_create(author=person, text=text, audience=audience)


def person(name: str):
    return PersonFactory.create(name=name)


def friends(a, *others) -> None:
    for other in others:
        befriend(a, other)


def steps(result) -> dict[str, tuple[int, int | None]]:
    return {step.key: (step.friends, step.fof) for step in result.funnel.steps}
