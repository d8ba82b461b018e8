"""Offers, conversations, sales and ratings on the demo listings, planned with each listing's
life (`demo.listings`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from demo.market import MARKET, Community, PlannedListing, between, round_price
from demo.story import tupled
from marketplace.models import (
    Conversation,
    Listing,
    Message,
    Offer,
    Purchase,
    Rating,
)
from marketplace.services.conversations import NewMessage, NewThread, conversations_start
from marketplace.services.offers import NewOffer, OfferAnswer, offers_answer, offers_make
from marketplace.services.purchases import Sale, sales_complete
from marketplace.services.ratings import NewRating, ratings_give

OFFER_MESSAGES = tupled(MARKET["offer_messages"])
BUYER_OPENERS = tupled(MARKET["buyer_openers"])
SELLER_REPLIES = tupled(MARKET["seller_replies"])
BUYER_CLOSERS = tupled(MARKET["buyer_closers"])
RATING_LINES: dict[str, dict[int, tuple[str, ...]]] = {
    side: {int(stars): tupled(lines) for stars, lines in by_stars.items()}
    for side, by_stars in MARKET["rating_lines"].items()
}


@dataclass
class Deal:
    """Offers, a conversation and perhaps a sale on one listing, planned before writing."""

    offers: list[tuple[Offer, datetime]] = field(default_factory=list)
    threads: list[tuple[Conversation, list[tuple[Message, datetime]]]] = field(default_factory=list)
    purchase: Purchase | None = None
    ratings: list[tuple[Rating, datetime]] = field(default_factory=list)


def write_deals(deals: list[Deal]) -> tuple[int, int, int]:
    """Offers on a good part of the listings, written while they are on sale, and the
    conversations about them; on reserved and sold ones one accepted (the listing reserved, the
    rest declined at that moment); a verified purchase and ratings for every sale. All through
    the services, which keep the rules and leave the notices."""
    planned = [(offer, when) for deal in deals for offer, when in deal.offers]
    written = offers_make(
        offers=[
            NewOffer(offer.buyer_id, offer.listing, offer.amount, offer.message, at=when)
            for offer, when in planned
        ]
    )
    conversations_start(
        threads=[
            NewThread(
                conversation.listing,
                conversation.buyer_id,
                tuple(
                    NewMessage(message.sender_id, message.text, at=when, read_at=message.read_at)
                    for message, when in messages
                ),
            )
            for deal in deals
            for conversation, messages in deal.threads
        ]
    )
    # Declined on their own first; the others are declined when one is accepted.
    answers = [
        OfferAnswer(offer, accept=False, at=plan.responded_at)
        for plan, offer in zip((o for o, _ in planned), written, strict=True)
        if plan.status == Offer.Status.DECLINED and not _lost_to_another(plan, deals)
    ] + [
        OfferAnswer(offer, accept=True, at=plan.responded_at)
        for plan, offer in zip((o for o, _ in planned), written, strict=True)
        if plan.status == Offer.Status.ACCEPTED
    ]
    offers_answer(answers=answers)
    sold = [(deal, deal.purchase.listing) for deal in deals if deal.purchase is not None]
    purchases = sales_complete(
        sales=[Sale(listing, at=listing.sold_at) for _, listing in sold if listing is not None]
    )
    ratings = ratings_give(
        ratings=[
            NewRating(rating.rater_id, purchase, rating.stars, rating.line, at=when)
            for (deal, _), purchase in zip(sold, purchases, strict=True)
            for rating, when in deal.ratings
        ]
    )
    return len(written), len(purchases), len(ratings)


def _lost_to_another(offer: Offer, deals: list[Deal]) -> bool:
    """Whether the declined `offer` was declined by the acceptance of another on its listing."""
    return any(
        other.status == Offer.Status.ACCEPTED and other.listing is offer.listing
        for deal in deals
        for other, _ in deal.offers
    )


def plan_deal(
    rng: random.Random, plan: PlannedListing, community: Community, now: datetime
) -> Deal:
    Status = Listing.Status
    listing, deal = plan.listing, Deal()
    if listing.status == Status.DRAFT or not plan.viewers:
        return deal
    people = community.people
    seller = listing.seller_id
    weights = [
        3
        if pk in community.friends[seller]
        else 2
        if people[pk].region == people[seller].region
        else 1
        for pk in plan.viewers
    ]
    published = listing.published_at
    assert published is not None  # a draft has no deals
    hour = timedelta(hours=1)

    def offer(buyer: int, share: tuple[float, float], status: str, made: datetime, answered):
        amount = round_price(float(listing.price) * rng.uniform(*share))
        amount = min(amount, listing.price)
        row = Offer(
            listing=listing,
            buyer_id=buyer,
            amount=amount,
            message=rng.choice(OFFER_MESSAGES),
            status=status,
            responded_at=answered,
        )
        deal.offers.append((row, made))
        return row

    if listing.status in (Status.SOLD, Status.RESERVED):
        buyer = rng.choices(plan.viewers, weights=weights)[0]
        latest = (
            now - 2 * hour if listing.status == Status.RESERVED else published + timedelta(days=12)
        )
        accepted_at = between(rng, published + 6 * hour, latest)
        made = between(rng, published + hour, accepted_at - hour)
        winner = offer(buyer, (0.85, 1.0), Offer.Status.ACCEPTED, made, accepted_at)
        others = [pk for pk in plan.viewers if pk != buyer]
        for loser in rng.sample(others, min(len(others), rng.choices([0, 1, 2], [4, 3, 1])[0])):
            made_too = between(rng, published + hour, accepted_at - hour)
            offer(loser, (0.6, 0.85), Offer.Status.DECLINED, made_too, accepted_at)
        deal.threads.append(
            _thread(rng, listing, buyer, made - hour, accepted_at, now, closing=True)
        )
        plan.updated = accepted_at
        if listing.status == Status.SOLD:
            sold_at = min(now - hour, accepted_at + timedelta(hours=rng.uniform(6, 96)))
            listing.sold_at = plan.updated = sold_at
            deal.purchase = Purchase(
                buyer_id=buyer,
                seller_id=seller,
                listing=listing,
                product_model=listing.product_model,
                category=listing.category,
                brand=listing.brand,
                description=listing.title[:200],
                price=winner.amount,
                currency=listing.currency,
                verified=True,
                purchased_on=timezone.localdate(sold_at),
            )
            for side, rater, ratee, chance in (
                ("buyer", buyer, seller, 0.9),
                ("seller", seller, buyer, 0.8),
            ):
                if rng.random() < chance:
                    stars = rng.choices([5, 4, 3], [7, 3, 1])[0]
                    rated = min(now, sold_at + timedelta(hours=rng.uniform(2, 120)))
                    line = rng.choice(RATING_LINES[side][stars])
                    row = Rating(rater_id=rater, ratee_id=ratee, stars=stars, line=line)
                    deal.ratings.append((row, rated))
    elif listing.status in (Status.ACTIVE, Status.WITHDRAWN) and rng.random() < 0.4:
        until = now if listing.status == Status.ACTIVE or plan.updated is None else plan.updated
        count = min(len(plan.viewers), rng.choices([1, 2, 3], [5, 3, 1])[0])
        for buyer in rng.sample(plan.viewers, count):
            made = between(rng, published + hour, until - hour)
            if listing.status == Status.ACTIVE and rng.random() < 0.7:
                offer(buyer, (0.7, 0.95), Offer.Status.OPEN, made, None)
                deal.threads.append(_thread(rng, listing, buyer, made - hour, None, now))
            else:
                answered = min(until, made + timedelta(hours=rng.uniform(1, 48)))
                offer(buyer, (0.5, 0.75), Offer.Status.DECLINED, made, answered)
    return deal


def _thread(
    rng: random.Random,
    listing: Listing,
    buyer: int,
    start: datetime,
    agreed: datetime | None,
    now: datetime,
    *,
    closing: bool = False,
) -> tuple[Conversation, list[tuple[Message, datetime]]]:
    """The buyer writes first, the seller answers; after an agreement the buyer confirms."""
    assert listing.published_at is not None  # a draft has no deals
    start = max(start, listing.published_at)
    reply_at = min(now, start + timedelta(minutes=rng.randint(15, 8 * 60)))
    lines = [
        (buyer, rng.choice(BUYER_OPENERS).format(title=listing.title), start),
        (
            listing.seller_id,
            rng.choice(SELLER_REPLIES).format(place=listing.place.split(",")[0]),
            reply_at,
        ),
    ]
    if closing and agreed is not None:
        lines.append((buyer, rng.choice(BUYER_CLOSERS), max(reply_at, agreed)))
    recent = now - timedelta(days=1)
    messages = [
        (
            Message(
                sender_id=sender,
                text=text,
                read_at=when + timedelta(minutes=30) if when < recent else None,
            ),
            when,
        )
        for sender, text, when in lines
    ]
    return Conversation(listing=listing, buyer_id=buyer), messages
