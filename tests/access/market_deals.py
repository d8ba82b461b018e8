"""Access-matrix rows for the marketplace deals routes (helpers: tests/access/engine.py).

Each row plants its deal while its address is built (inside the row's transaction, rolled back
with it): the owner sells a bike to signed-in members (so everyone signed in sees it except
blocked, who blocked the owner); friend_a asked a question, made an open offer and started a
conversation; fof offered too and the owner answered with a counter-offer, which fof alone may
accept or decline; a second listing is reserved for friend_b (fof's offer on it was declined when
friend_b's was accepted); a third was sold to friend_b. All of it is made through the services
(tests/factories), as the people would make it. Conversations, offers and sales are read by
their two sides only; everyone else gets 404, as if they did not exist. Nobody but a buyer
creates a conversation or an offer: the owner's attempts on their own listing are refused and
change nothing. A draft or withdrawn listing's panel is its seller's alone, whatever its
audience, as its page is.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from marketplace.models import Listing, Message, Offer, Purchase, Question, Rating
from marketplace.services.conversations import conversation_start
from marketplace.services.offers import offer_counter
from marketplace.services.questions import question_ask
from tests.access.engine import API_ANON, LOGIN, SIGNED_IN, SIGNED_IN_API, all_but, api, page, per
from tests.access.market_listings import seller_alone
from tests.factories import make_offer, make_sale, marlin_for_sale, reserve_for

BUYERS = " ".join(all_but("anonymous", "owner", "blocked"))  # who may ask, offer and write
EVERYONE_SIGNED_IN = " ".join(all_but("anonymous"))


def deal(c) -> dict:
    """Plant the deals of this row (see the module docstring); `c["deal"]` holds them."""
    owner, friend_a, friend_b, fof = c["owner"], c["friend_a"], c["friend_b"], c["fof"]
    listing = marlin_for_sale(owner, title="Trek Marlin 7")
    reserved = marlin_for_sale(owner, title="Kids' bike")
    sold = marlin_for_sale(owner, title="Road bike")
    d = {
        "category": listing.category,
        "listing": listing,
        "reserved": reserved,
        "conversation": conversation_start(buyer=friend_a, listing=listing, text="Can I see it?"),
        "question": question_ask(asker=friend_a, listing=listing, text="Size?"),
        "offer": make_offer(listing, friend_a, "400"),
        "countered": offer_counter(
            seller=owner, offer=make_offer(listing, fof, "350"), amount="380"
        ),
        "late_offer": make_offer(reserved, fof, "95"),
        "accepted": reserve_for(reserved, friend_b, "90"),
        "purchase": make_sale(sold, friend_b, "300"),
    }
    c["deal"] = d
    return d


def at(name: str, key: str, suffix: str = ""):
    """An address built from one planted thing: `at("marketplace:deals_listing", "listing")`."""
    return lambda c: reverse(name, args=[deal(c)[key].pk]) + suffix


# --- What a write may change -----------------------------------------------------------------


def questions(c):
    return sorted(Question.objects.filter(listing=c["deal"]["listing"]).values_list("pk", "answer"))


def offers(c):
    rows = Offer.objects.filter(listing__seller=c["owner"])
    return sorted(rows.values_list("pk", "buyer_id", "status", "amount"))


def messages(c):
    return sorted(Message.objects.values_list("conversation__buyer_id", "sender_id", "text"))


def listings(c):
    return sorted(Listing.objects.filter(seller=c["owner"]).values_list("pk", "status"))


def sales(c):
    return (listings(c), offers(c), sorted(Purchase.objects.values_list("pk", "buyer_id")))


def ratings(c):
    return sorted(Rating.objects.values_list("rater_id", "stars"))


def purchases(c):
    return sorted(Purchase.objects.values_list("pk", "buyer_id", "verified"))


def declared(c):
    return {
        "category": c["deal"]["category"].pk,
        "description": "A lamp",
        "purchased_on": timezone.localdate().isoformat(),
    }


def planted(name: str):
    """The address of a list page, with this row's deals planted first."""

    def url(c):
        deal(c)
        return reverse(name)

    return url


SEEN_BY_MEMBERS = per(302, anonymous=LOGIN, blocked=404)

ROWS = [
    # --- Pages -------------------------------------------------------------------------------
    page(
        "market/deals/listings/<int:listing_id>/",
        at("marketplace:deals_listing", "listing"),
        per(200, anonymous=404, blocked=404),
    ),
    *seller_alone(
        page,
        "market/deals/listings/<int:listing_id>/",
        "marketplace:deals_listing",
    ),
    page(
        "market/deals/listings/<int:listing_id>/questions/",
        at("marketplace:deals_question_ask", "listing"),
        SEEN_BY_MEMBERS,
        method="POST",
        body=lambda c: {"text": "Still there?"},
        state=questions,
        changes=BUYERS,
    ),
    page(
        "market/deals/questions/<int:question_id>/answer/",
        at("marketplace:deals_question_answer", "question"),
        per(404, anonymous=LOGIN, owner=302),
        method="POST",
        body=lambda c: {"text": "Medium."},
        state=questions,
        changes="owner",
    ),
    page(
        "market/deals/listings/<int:listing_id>/offers/",
        at("marketplace:deals_offer_make", "listing"),
        SEEN_BY_MEMBERS,
        method="POST",
        body=lambda c: {"amount": "410"},
        state=offers,
        changes=BUYERS,
    ),
    page(
        "market/deals/listings/<int:listing_id>/conversation/",
        at("marketplace:deals_conversation_start", "listing"),
        SEEN_BY_MEMBERS,
        method="POST",
        body=lambda c: {"text": "Hello"},
        state=messages,
        changes=BUYERS,
    ),
    page(
        "market/deals/listings/<int:listing_id>/sold/",
        at("marketplace:deals_sale_complete", "reserved"),
        per(404, anonymous=LOGIN, owner=200),
    ),
    page(
        "market/deals/listings/<int:listing_id>/sold/",
        at("marketplace:deals_sale_complete", "reserved"),
        per(404, anonymous=LOGIN, owner=302),
        label="to the accepted offer's buyer",
        method="POST",
        state=sales,
        changes="owner",
    ),
    page(
        "market/deals/listings/<int:listing_id>/sold/",
        at("marketplace:deals_sale_complete", "listing"),
        per(404, anonymous=LOGIN, owner=302),
        label="to someone who offered, at a price",
        method="POST",
        body=lambda c: {"buyer": str(c["friend_a"].pk), "price": "395"},
        state=sales,
        changes="owner",
    ),
    page(
        "market/deals/listings/<int:listing_id>/release/",
        at("marketplace:deals_reservation_cancel", "reserved"),
        SEEN_BY_MEMBERS,
        method="POST",
        state=sales,
        changes="owner",
    ),
    page("market/deals/offers/", planted("marketplace:deals_offers_made"), SIGNED_IN),
    page(
        "market/deals/offers/<int:offer_id>/withdraw/",
        at("marketplace:deals_offer_withdraw", "offer"),
        per(404, anonymous=LOGIN, friend_a=302),
        method="POST",
        state=offers,
        changes="friend_a",
    ),
    page(
        "market/deals/offers/received/",
        planted("marketplace:deals_offers_received"),
        SIGNED_IN,
    ),
    page(
        "market/deals/offers/<int:offer_id>/accept/",
        at("marketplace:deals_offer_accept", "offer"),
        per(404, anonymous=LOGIN, owner=302),
        method="POST",
        state=offers,
        changes="owner",
    ),
    page(
        "market/deals/offers/<int:offer_id>/decline/",
        at("marketplace:deals_offer_decline", "offer"),
        per(404, anonymous=LOGIN, owner=302),
        method="POST",
        state=offers,
        changes="owner",
    ),
    page(
        "market/deals/offers/<int:offer_id>/counter/",
        at("marketplace:deals_offer_counter", "offer"),
        per(404, anonymous=LOGIN, owner=302),
        method="POST",
        body=lambda c: {"amount": "420"},
        state=offers,
        changes="owner",
    ),
    page(
        "market/deals/offers/<int:offer_id>/counter/accept/",
        at("marketplace:deals_counter_accept", "countered"),
        per(404, anonymous=LOGIN, fof=302),
        method="POST",
        state=sales,
        changes="fof",
    ),
    page(
        "market/deals/offers/<int:offer_id>/counter/decline/",
        at("marketplace:deals_counter_decline", "countered"),
        per(404, anonymous=LOGIN, fof=302),
        method="POST",
        state=offers,
        changes="fof",
    ),
    page(
        "market/deals/conversations/",
        planted("marketplace:deals_conversations"),
        SIGNED_IN,
    ),
    page(
        "market/deals/conversations/<int:conversation_id>/",
        at("marketplace:deals_conversation", "conversation"),
        per(404, anonymous=LOGIN, owner=200, friend_a=200),
    ),
    page(
        "market/deals/conversations/<int:conversation_id>/",
        at("marketplace:deals_conversation", "conversation"),
        per(404, anonymous=LOGIN, owner=302, friend_a=302),
        label="reply",
        method="POST",
        body=lambda c: {"text": "Saturday?"},
        state=messages,
        changes="owner friend_a",
    ),
    page(
        "market/deals/purchases/",
        planted("marketplace:deals_purchases"),
        SIGNED_IN,
    ),
    page(
        "market/deals/purchases/declare/", planted("marketplace:deals_purchase_declare"), SIGNED_IN
    ),
    page(
        "market/deals/purchases/declare/",
        planted("marketplace:deals_purchase_declare"),
        per(302, anonymous=LOGIN),
        label="save",
        method="POST",
        body=declared,
        state=purchases,
        changes=EVERYONE_SIGNED_IN,
    ),
    page(
        "market/deals/purchases/<int:purchase_id>/rate/",
        at("marketplace:deals_rate", "purchase"),
        per(404, anonymous=LOGIN, owner=200, friend_b=200),
    ),
    page(
        "market/deals/purchases/<int:purchase_id>/rate/",
        at("marketplace:deals_rate", "purchase"),
        per(404, anonymous=LOGIN, owner=302, friend_b=302),
        label="save",
        method="POST",
        body=lambda c: {"stars": "4", "line": "Fine"},
        state=ratings,
        changes="owner friend_b",
    ),
    # --- API ---------------------------------------------------------------------------------
    api(
        "GET /api/market/deals/listings/{listing_id}/questions/",
        at("api-market-questions", "listing"),
        per(200, anonymous=404, blocked=404),
    ),
    *seller_alone(
        api,
        "GET /api/market/deals/listings/{listing_id}/questions/",
        "api-market-questions",
    ),
    api(
        "POST /api/market/deals/listings/{listing_id}/questions/",
        at("api-market-questions", "listing"),
        per(201, anonymous=API_ANON, blocked=404, owner=403),
        body=lambda c: {"text": "Still there?"},
        state=questions,
        changes=BUYERS,
    ),
    api(
        "POST /api/market/deals/questions/{question_id}/answer/",
        at("api-market-question-answer", "question"),
        per(404, anonymous=API_ANON, owner=200),
        body=lambda c: {"text": "Medium."},
        state=questions,
        changes="owner",
    ),
    api(
        "POST /api/market/deals/listings/{listing_id}/conversation/",
        at("api-market-conversation-start", "listing"),
        per(201, anonymous=API_ANON, blocked=404, owner=403),
        body=lambda c: {"text": "Hello"},
        state=messages,
        changes=BUYERS,
    ),
    api("GET /api/market/deals/conversations/", planted("api-market-conversations"), SIGNED_IN_API),
    api(
        "GET /api/market/deals/conversations/{conversation_id}/",
        at("api-market-conversation", "conversation"),
        per(404, anonymous=API_ANON, owner=200, friend_a=200),
    ),
    api(
        "POST /api/market/deals/conversations/{conversation_id}/messages/",
        at("api-market-messages", "conversation"),
        per(404, anonymous=API_ANON, owner=201, friend_a=201),
        body=lambda c: {"text": "Saturday?"},
        state=messages,
        changes="owner friend_a",
    ),
    api(
        "POST /api/market/deals/listings/{listing_id}/offers/",
        at("api-market-offer-make", "listing"),
        per(201, anonymous=API_ANON, blocked=404, owner=403),
        body=lambda c: {"amount": "410", "message": "Cash"},
        state=offers,
        changes=BUYERS,
    ),
    api(
        "POST /api/market/deals/listings/{listing_id}/offers/",
        at("api-market-offer-make", "reserved"),
        per(409, anonymous=API_ANON, blocked=404, owner=403),
        label="reserved item",
        body=lambda c: {"amount": "410"},
        state=offers,
    ),
    api("GET /api/market/deals/offers/", planted("api-market-offers"), SIGNED_IN_API),
    api(
        "GET /api/market/deals/offers/received/",
        planted("api-market-offers-received"),
        SIGNED_IN_API,
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/accept/",
        at("api-market-offer-accept", "offer"),
        per(404, anonymous=API_ANON, owner=200),
        state=offers,
        changes="owner",
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/accept/",
        at("api-market-offer-accept", "late_offer"),
        per(404, anonymous=API_ANON, owner=409),
        label="listing already reserved",
        state=offers,
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/decline/",
        at("api-market-offer-decline", "offer"),
        per(404, anonymous=API_ANON, owner=200),
        state=offers,
        changes="owner",
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/withdraw/",
        at("api-market-offer-withdraw", "offer"),
        per(404, anonymous=API_ANON, friend_a=200),
        state=offers,
        changes="friend_a",
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/counter/",
        at("api-market-offer-counter", "offer"),
        per(404, anonymous=API_ANON, owner=200),
        body=lambda c: {"amount": "420"},
        state=offers,
        changes="owner",
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/counter/",
        at("api-market-offer-counter", "offer"),
        per(404, anonymous=API_ANON, owner=400),
        label="bad amount",
        body=lambda c: {"amount": "a lot"},
        state=offers,
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/counter/accept/",
        at("api-market-counter-accept", "countered"),
        per(404, anonymous=API_ANON, fof=200),
        state=sales,
        changes="fof",
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/counter/accept/",
        at("api-market-counter-accept", "offer"),
        per(404, anonymous=API_ANON, friend_a=409),
        label="no counter-offer waiting",
        state=sales,
    ),
    api(
        "POST /api/market/deals/offers/{offer_id}/counter/decline/",
        at("api-market-counter-decline", "countered"),
        per(404, anonymous=API_ANON, fof=200),
        state=offers,
        changes="fof",
    ),
    api(
        "POST /api/market/deals/listings/{listing_id}/sale/",
        at("api-market-sale", "reserved"),
        per(403, anonymous=API_ANON, blocked=404, owner=201),
        state=sales,
        changes="owner",
    ),
    api(
        "DELETE /api/market/deals/listings/{listing_id}/reservation/",
        at("api-market-reservation", "reserved"),
        per(403, anonymous=API_ANON, blocked=404, owner=204),
        state=sales,
        changes="owner",
    ),
    api("GET /api/market/deals/purchases/", planted("api-market-purchases"), SIGNED_IN_API),
    api(
        "POST /api/market/deals/purchases/",
        planted("api-market-purchases"),
        per(201, anonymous=API_ANON),
        body=declared,
        state=purchases,
        changes=EVERYONE_SIGNED_IN,
    ),
    api(
        "POST /api/market/deals/purchases/{purchase_id}/rating/",
        at("api-market-rating", "purchase"),
        per(404, anonymous=API_ANON, owner=201, friend_b=201),
        body=lambda c: {"stars": 4, "line": "Fine"},
        state=ratings,
        changes="owner friend_b",
    ),
]
