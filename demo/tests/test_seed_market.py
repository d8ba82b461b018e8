"""The marketplace side of `manage.py seed_demo`: listings, deals and reviews that hold together.

Seeding takes a few seconds, so the community is built once for the module (committed, and
deleted again at the end) and each test reads it inside its own rolled-back transaction.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from accounts.models import User
from demo import listings as selling
from demo import market, watching
from demo.people import ANNA, BEN, DEMO_DOMAIN, roster
from marketplace.geo import distance_km
from marketplace.models import (
    Conversation,
    HelpfulVote,
    Listing,
    ListingPhoto,
    Message,
    Offer,
    Purchase,
    Question,
    Rating,
    Review,
    SavedSearch,
    Watch,
)
from recommendations.influence import own_topics
from social.models import Friendship, Notification

Status = Listing.Status


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module inside a transaction that is rolled back at its end: nothing
    stays behind (the consent ledger and audit log cannot be deleted, by design)."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(MEDIA_ROOT=media):
            output = seed()
        yield output, media
        transaction.set_rollback(True)


def members() -> dict[str, User]:
    emails = [p.email for p in roster()]
    return {u.email: u for u in User.objects.filter(email__in=emails).select_related("profile")}


def demo_listings():
    return Listing.objects.filter(seller__email__endswith=f"@{DEMO_DOMAIN}")


def snapshot() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Listing,
            ListingPhoto,
            Question,
            Offer,
            Conversation,
            Message,
            Purchase,
            Rating,
            Review,
            HelpfulVote,
            SavedSearch,
            Watch,
            Notification,
        )
    }


def friends_of(user: User) -> set[int]:
    return set(Friendship.objects.filter(user=user).values_list("friend_id", flat=True))


# --- Counts and shape -----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_fills_the_marketplace_with_about_the_planned_amounts(seeded):
    output, _ = seeded
    listings = demo_listings()
    states = Counter(listings.values_list("status", flat=True))

    assert 130 <= listings.count() <= 160
    assert listings.values("seller").distinct().count() >= 40
    assert states[Status.SOLD] == selling.SALES
    assert states[Status.RESERVED] == selling.RESERVED
    assert states[Status.DRAFT] >= 3
    assert states[Status.WITHDRAWN] >= 5
    assert states[Status.ACTIVE] > listings.count() / 2
    assert 30 <= Question.objects.filter(listing__in=listings).count() <= 120
    assert Question.objects.filter(listing__in=listings).exclude(answer="").count() >= 20
    offers = Counter(Offer.objects.filter(listing__in=listings).values_list("status", flat=True))
    assert offers[Offer.Status.OPEN] >= 10 and offers[Offer.Status.DECLINED] >= 10
    purchases = Purchase.objects.filter(buyer__email__endswith=f"@{DEMO_DOMAIN}")
    assert purchases.filter(verified=True).count() == selling.SALES
    # About forty declared on their own, and one for each review of something not yet owned.
    reviews = Review.objects.filter(author__in=members().values())
    unreviewed = purchases.filter(verified=False, reviews__isnull=True).count()
    assert unreviewed <= 45 and 35 <= purchases.filter(verified=False).count()
    assert purchases.filter(verified=False).count() <= 45 + reviews.count()
    assert 70 <= Review.objects.filter(author__in=members().values()).count() <= 90
    assert HelpfulVote.objects.filter(review__author__in=members().values()).count() >= 60
    assert SavedSearch.objects.filter(owner__in=members().values()).count() >= 4
    assert Watch.objects.filter(user__in=members().values()).count() >= 15
    assert "Listings: 150 by" in output and "(150 new)" in output


@pytest.mark.django_db
def test_every_listing_has_photos_pillow_opens_and_a_thumbnail(seeded, settings):
    _, media = seeded
    settings.MEDIA_ROOT = media
    listings = demo_listings().annotate(photo_count=Count("photos"))
    assert all(1 <= listing.photo_count <= 3 for listing in listings)
    photos = ListingPhoto.objects.filter(listing__in=listings)
    names = set()
    for photo in photos:
        for field, largest in ((photo.image, 1600), (photo.thumbnail, 400)):
            with field.open("rb") as file, Image.open(file) as picture:
                picture.verify()
                assert max(picture.size) <= largest
            names.add(field.name)
    # Every photo has files of its own: removing one never takes another listing's picture.
    assert len(names) == 2 * photos.count()


@pytest.mark.django_db
def test_listings_sit_near_their_sellers_home_and_cost_the_regions_currency(seeded):
    people = {p.email: p for p in roster()}
    currency = {"lyon": "EUR", "bristol": "GBP", "portland": "USD"}
    for listing in demo_listings().select_related("seller__profile"):
        profile = listing.seller.profile
        # Homes are kept to about a kilometre; listings are within 2.5 km of the real one.
        away = distance_km(
            listing.latitude, listing.longitude, profile.home_latitude, profile.home_longitude
        )
        assert away <= 3.5, (listing.title, away)
        assert listing.currency == currency[people[listing.seller.email].region]
        # The place is the seller's town, as a place field names it ("Lyon, France").
        assert listing.place == people[listing.seller.email].town == profile.home_place
        assert listing.price > 0


@pytest.mark.django_db
def test_listings_agree_with_the_catalog_and_the_sellers_interests(seeded):
    people = {p.email: p for p in roster()}
    listings = list(demo_listings().select_related("seller", "category", "product_model"))
    fitting = 0
    for listing in listings:
        if listing.product_model:
            assert listing.product_model.category_id == listing.category_id
            assert listing.brand_id == listing.product_model.brand_id
        interests = people[listing.seller.email].interests
        fitting += listing.category.slug in {
            slug for interest in interests for slug in market.INTEREST_CATEGORIES.get(interest, ())
        }
    assert fitting >= 0.6 * len(listings)
    assert sum(1 for listing in listings if listing.product_model_id) >= 40
    anna = [listing for listing in listings if listing.seller.email == ANNA.email]
    assert len(anna) == selling.ANNA_LISTINGS
    assert sum(listing.category.slug in market.BIKE_CATEGORIES for listing in anna) >= 3


@pytest.mark.django_db
def test_audiences_are_mixed_with_nearby_radii_of_ten_to_thirty_km(seeded):
    audiences = Counter(demo_listings().values_list("audience", flat=True))
    for audience in ("friends", "fof", "nearby", "public"):
        assert audiences[audience] >= 10, audiences
    radii = set(
        demo_listings().filter(audience="nearby").values_list("nearby_radius_km", flat=True)
    )
    assert radii and all(10 <= radius <= 30 for radius in radii)


# --- Deals hold together --------------------------------------------------------------------


@pytest.mark.django_db
def test_sold_listings_have_one_accepted_offer_and_its_verified_purchase(seeded):
    for listing in demo_listings().filter(status=Status.SOLD).prefetch_related("offers"):
        accepted = [o for o in listing.offers.all() if o.status == Offer.Status.ACCEPTED]
        assert len(accepted) == 1
        assert not [o for o in listing.offers.all() if o.status == Offer.Status.OPEN]
        purchase = listing.purchase
        assert purchase.verified
        assert purchase.buyer_id == accepted[0].buyer_id != listing.seller_id
        assert purchase.seller_id == listing.seller_id
        assert purchase.price == accepted[0].amount <= listing.price
        assert purchase.product_model_id == listing.product_model_id
        assert listing.sold_at and listing.published_at < listing.sold_at <= timezone.now()
        assert accepted[0].created_at < accepted[0].responded_at <= listing.sold_at
        assert purchase.purchased_on == timezone.localdate(listing.sold_at)
        assert Conversation.objects.filter(listing=listing, buyer=purchase.buyer).exists()


@pytest.mark.django_db
def test_reserved_listings_have_exactly_one_accepted_offer_and_others_none(seeded):
    accepted = Count("offers", filter=Q(offers__status=Offer.Status.ACCEPTED))
    listings = demo_listings().annotate(accepted=accepted)
    assert all(listing.accepted == 1 for listing in listings.filter(status=Status.RESERVED))
    others = listings.exclude(status__in=[Status.RESERVED, Status.SOLD])
    assert all(listing.accepted == 0 for listing in others)
    assert not Purchase.objects.filter(listing__in=others).exists()
    assert not Offer.objects.filter(listing__in=listings.filter(status=Status.DRAFT)).exists()
    # Open offers wait only on listings that can still be bought.
    open_offers = Offer.objects.filter(listing__in=listings, status=Offer.Status.OPEN)
    assert set(open_offers.values_list("listing__status", flat=True)) == {Status.ACTIVE}


@pytest.mark.django_db
def test_each_side_rates_a_sale_at_most_once_after_it(seeded):
    ratings = Rating.objects.filter(purchase__listing__in=demo_listings()).select_related(
        "purchase__listing"
    )
    assert ratings.count() >= selling.SALES
    sides = Counter((r.purchase_id, r.rater_id) for r in ratings)
    assert max(sides.values()) == 1
    for rating in ratings:
        purchase = rating.purchase
        assert {rating.rater_id, rating.ratee_id} == {purchase.buyer_id, purchase.seller_id}
        assert 1 <= rating.stars <= 5
        assert rating.created_at >= purchase.listing.sold_at


@pytest.mark.django_db
def test_everyone_who_asks_offers_buys_or_watches_may_see_the_listing(seeded):
    users = members()
    visible = {
        user.pk: set(Listing.objects.visible_to(user).values_list("pk", flat=True))
        for user in users.values()
    }
    listings = demo_listings()
    acts = (
        Question.objects.filter(listing__in=listings).values_list("asker_id", "listing_id"),
        Offer.objects.filter(listing__in=listings).values_list("buyer_id", "listing_id"),
        Watch.objects.filter(listing__in=listings).values_list("user_id", "listing_id"),
        Conversation.objects.filter(listing__in=listings).values_list("buyer_id", "listing_id"),
    )
    for pairs in acts:
        for person, listing_id in pairs:
            assert listing_id in visible[person], (person, listing_id)
    sellers = dict(listings.values_list("pk", "seller_id"))
    assert all(sellers[listing] != person for pairs in acts for person, listing in pairs)


@pytest.mark.django_db
def test_anna_can_see_some_listings_of_her_friends(seeded):
    anna = members()[ANNA.email]
    friends = friends_of(anna)
    seen = Listing.objects.visible_to(anna).live().filter(seller_id__in=friends)
    assert seen.count() >= 5
    assert seen.filter(audience="friends").exists()
    assert Watch.objects.filter(user=anna).count() == watching.WATCHES[ANNA.email]
    assert SavedSearch.objects.filter(owner=anna, query="gravel").exists()


@pytest.mark.django_db
def test_live_listings_are_within_their_sixty_days_and_dates_follow_each_other(seeded):
    now = timezone.now()
    listings = demo_listings()
    for listing in listings.live():
        assert now - timedelta(days=60) < listing.published_at <= now
    assert not listings.filter(status=Status.DRAFT, published_at__isnull=False).exists()
    for listing in listings.exclude(status=Status.DRAFT):
        assert listing.created_at <= listing.published_at <= listing.updated_at <= now
    for offer in Offer.objects.filter(listing__in=listings).select_related("listing"):
        assert offer.listing.published_at < offer.created_at <= now
    for question in Question.objects.filter(listing__in=listings).select_related("listing"):
        assert question.listing.published_at <= question.created_at
        assert question.answered_at is None or question.created_at <= question.answered_at
    oldest = listings.exclude(published_at=None).order_by("published_at").first()
    assert oldest.published_at < now - timedelta(days=90)


# --- Purchases and reviews ------------------------------------------------------------------


@pytest.mark.django_db
def test_declared_purchases_are_not_verified_and_have_no_seller(seeded):
    declared = Purchase.objects.filter(buyer__in=members().values(), verified=False)
    assert not declared.filter(Q(seller__isnull=False) | Q(listing__isnull=False)).exists()
    assert not declared.filter(purchased_on__gt=timezone.localdate()).exists()
    assert declared.filter(product_model__isnull=False).count() >= 25
    ben = members()[BEN.email]
    assert declared.filter(buyer=ben, product_model__slug="trek-marlin-7").exists()


@pytest.mark.django_db
def test_annas_strongest_expertise_is_bikes_as_her_story_says(seeded):
    anna = members()[ANNA.email]
    strongest = own_topics(anna)[0]
    assert strongest.category.slug == "bikes"
    assert strongest.score is not None


@pytest.mark.django_db
def test_reviews_are_one_per_person_and_product_tied_to_the_authors_best_purchase(seeded):
    reviews = list(Review.objects.filter(author__in=members().values()).select_related("purchase"))
    pairs = Counter((r.author_id, r.product_model_id) for r in reviews)
    assert max(pairs.values()) == 1
    verified = Purchase.objects.filter(verified=True, buyer__in=members().values())
    bought_here = set(verified.values_list("buyer_id", "product_model_id"))
    for review in reviews:
        assert review.title and review.text and 1 <= review.rating <= 5
        assert review.audience in ("friends", "fof", "public", "members")
        assert review.purchase is not None  # a review rests on a purchase
        if review.purchase is not None:
            assert review.purchase.buyer_id == review.author_id
            assert review.purchase.product_model_id == review.product_model_id
            assert review.created_at.date() >= review.purchase.purchased_on
        if (review.author_id, review.product_model_id) in bought_here:
            assert review.verified
    assert sum(review.verified for review in reviews) >= 10
    assert len({r.product_model_id for r in reviews}) >= 20


@pytest.mark.django_db
def test_friends_of_anna_review_bikes_she_can_read(seeded):
    anna = members()[ANNA.email]
    bikes = Review.objects.visible_to(anna).filter(
        author_id__in=friends_of(anna), product_model__category__parent__slug="bikes"
    )
    assert bikes.values("author").distinct().count() >= 5


@pytest.mark.django_db
def test_helpful_votes_come_from_readers_and_never_from_the_author(seeded):
    votes = HelpfulVote.objects.filter(review__author__in=members().values()).select_related(
        "review", "voter"
    )
    assert not [v for v in votes if v.voter_id == v.review.author_id]
    readable = {}
    for vote in votes:
        if vote.voter_id not in readable:
            readable[vote.voter_id] = set(
                Review.objects.visible_to(vote.voter).values_list("pk", flat=True)
            )
        assert vote.review_id in readable[vote.voter_id]
        assert vote.created_at >= vote.review.created_at


# --- Running it again -----------------------------------------------------------------------


@pytest.mark.django_db
def test_running_it_again_creates_nothing(seeded):
    before = snapshot()

    output = seed()

    assert snapshot() == before
    for part in ("Listings", "Declared purchases", "Reviews", "Saved searches"):
        line = next(line for line in output.splitlines() if line.strip().startswith(part))
        assert "already seeded, 0 new" in line, line


@pytest.mark.django_db
def test_a_presenters_sale_and_deleted_review_survive_a_rerun(seeded):
    anna = members()[ANNA.email]
    assert Review.objects.filter(author=anna).exists()
    Review.objects.filter(author=anna).delete()
    listing = demo_listings().filter(status=Status.ACTIVE, seller=anna).first()
    Listing.objects.filter(pk=listing.pk).update(status=Status.WITHDRAWN)

    seed()

    assert not Review.objects.filter(author=anna).exists()
    listing.refresh_from_db()
    assert listing.status == Status.WITHDRAWN
