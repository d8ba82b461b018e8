"""Where test data is made: one module per kind of thing, every name exported here
(`from tests.factories import PersonFactory, make_listing`).

Where a rule is involved, data is made through the product's own services, as a person would
(friendships, posts, consent, listings, offers, declared purchases, reviews), so test data obeys
the rules production data does. A state the services refuse to make on purpose is a named trait
that says why (`make_listing(published_days_ago=...)`, `make_purchase(verified=True)`,
`hidden_by_moderator`). The shared cast of people (`tests/cast.py`) is made of these.
See docs/testing.md.
"""

from tests.factories.catalog import (
    CategoryFactory,
    bike,
    category,
    make_category,
    make_product,
    product,
)
from tests.factories.deals import PurchaseFactory, make_offer, make_purchase, make_sale, reserve_for
from tests.factories.exports import make_export
from tests.factories.listings import (
    listing_fields,
    listing_for,
    make_listing,
    marlin_for_sale,
    not_a_picture,
    picture,
)
from tests.factories.moderation import hidden_by_moderator, hide_with_decision
from tests.factories.people import (
    PASSWORD,
    PersonFactory,
    make_admin,
    make_moderator,
    moderators,
    person,
    with_home,
)
from tests.factories.places import AMSTERDAM, LYON, PARIS, UTRECHT
from tests.factories.ratings import make_rating, sold_and_rated
from tests.factories.reviews import make_review, review, vote_helpful
from tests.factories.social import befriend, comment, consent, friends, talk

__all__ = [
    "make_rating",
    "sold_and_rated",
    "comment",
    "AMSTERDAM",
    "LYON",
    "PARIS",
    "PASSWORD",
    "UTRECHT",
    "CategoryFactory",
    "PersonFactory",
    "PurchaseFactory",
    "befriend",
    "bike",
    "category",
    "consent",
    "friends",
    "hidden_by_moderator",
    "hide_with_decision",
    "listing_fields",
    "listing_for",
    "make_category",
    "make_export",
    "make_admin",
    "make_listing",
    "make_moderator",
    "make_offer",
    "make_product",
    "make_purchase",
    "make_review",
    "make_sale",
    "marlin_for_sale",
    "moderators",
    "not_a_picture",
    "person",
    "picture",
    "product",
    "reserve_for",
    "review",
    "talk",
    "vote_helpful",
    "with_home",
]
