"""Deals pages: a listing's questions and offer panel, "my offers", "offers on my listings",
conversations (purchases, ratings and reviews of them: `marketplace.views.purchases`).

Thin: reads through `marketplace.selectors.deals`, writes through the deal services
(`marketplace.services.questions`, `conversations`, `offers`, `purchases`, `ratings`); a refusal
becomes a message (or, for htmx, an `HX-Trigger` error with the refreshed fragment), never a 500.
Everything a person may not see answers 404, as if it did not exist.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import refusal_redirects, refusals_on
from marketplace.models import Listing
from marketplace.selectors import deals as selectors
from marketplace.selectors import listings as listing_selectors
from marketplace.services import conversations as conversation_services
from marketplace.services import offers as offer_services
from marketplace.services import purchases as purchase_services
from marketplace.services import questions as question_services

# --- Helpers --------------------------------------------------------------------------------


def _panel_url(listing_id: int) -> str:
    """Where a form of the panel comes back to: the listing page, at the panel."""
    return reverse("marketplace:listing", args=[listing_id]) + "#deal-panel"


def _panel(request, listing_id: int, **_) -> str:
    return _panel_url(listing_id)


def _seller_back(request, listing_id: int, **_) -> str:
    """A seller's button comes back to the listing page when it was there (`from=listing`),
    else to the offers on their listings."""
    if request.POST.get("from") == "listing":
        return _panel_url(listing_id)
    return reverse("marketplace:deals_offers_received")


def panel_context(viewer, listing: Listing) -> dict:
    """What `deals/_listing_panel.html` needs; the listing page can call this too."""
    signed_in = viewer.is_authenticated
    is_seller = signed_in and viewer.pk == listing.seller_id
    return {
        "listing": listing,
        "questions": list(selectors.questions_on(viewer, listing)),
        "is_seller": is_seller,
        "my_offer": selectors.open_offer_of(viewer, listing) if signed_in else None,
        "my_counter": selectors.counter_offer_for(viewer, listing) if signed_in else None,
        "my_conversation": (
            selectors.conversation_with(viewer, listing) if signed_in and not is_seller else None
        ),
        "accepted_offer": selectors.accepted_offer_on(listing) if is_seller else None,
        "offers": (
            list(selectors.offers_received_by(viewer).filter(listing=listing)) if is_seller else []
        ),
        "my_purchase": (
            selectors.purchases_of(viewer).filter(listing=listing).first()
            if signed_in and not is_seller and listing.status == Listing.Status.SOLD
            else None
        ),
    }


# --- A listing's deal panel -----------------------------------------------------------------


@login_not_required
@require_GET
def listing_panel(request, listing_id: int):
    """Questions, offer and message forms for one listing: a page of its own, or the panel
    alone for an htmx request (the listing page loads it in place)."""
    listing = selectors.access_listing(request.user, listing_id)
    template = "_listing_panel.html" if request.htmx else "listing.html"
    return render(request, f"marketplace/deals/{template}", panel_context(request.user, listing))


@require_POST
@refusal_redirects(_panel)
def question_ask(request, listing_id: int):
    listing = selectors.access_listing(request.user, listing_id)
    question_services.question_ask(
        asker=request.user, listing=listing, text=request.POST.get("text", "")
    )
    messages.success(request, "Your question is posted; the seller is told.")
    return redirect(_panel_url(listing.pk))


def _question_panel(request, question_id: int) -> str:
    return _panel_url(_question_for_seller(request, question_id).listing_id)


def _question_for_seller(request, question_id: int):
    return selectors.access_question_for_seller(request.user, question_id)


@require_POST
@refusal_redirects(_question_panel)
def question_answer(request, question_id: int):
    question = _question_for_seller(request, question_id)
    question_services.question_answer(
        seller=request.user, question=question, text=request.POST.get("text", "")
    )
    messages.success(request, "Your answer is posted.")
    return redirect(_panel_url(question.listing_id))


@require_POST
@refusal_redirects(_panel)
def offer_make(request, listing_id: int):
    listing = selectors.access_listing(request.user, listing_id)
    offer_services.offer_make(
        buyer=request.user,
        listing=listing,
        amount=request.POST.get("amount", ""),
        message=request.POST.get("message", ""),
    )
    messages.success(request, "Your offer is sent; you'll hear when the seller answers.")
    return redirect(_panel_url(listing.pk))


@require_POST
@refusal_redirects(_panel)
def conversation_start(request, listing_id: int):
    listing = selectors.access_listing(request.user, listing_id)
    conversation = conversation_services.conversation_start(
        buyer=request.user, listing=listing, text=request.POST.get("text", "")
    )
    return redirect("marketplace:deals_conversation", conversation.pk)


ELSEWHERE = "elsewhere"


class SaleForm(forms.Form):
    """Who bought it and at what price; the service checks the buyer came by."""

    buyer = forms.ChoiceField(label="Who bought it", widget=forms.RadioSelect)
    price = forms.CharField(
        label="Price it sold for",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Only you and the buyer see it.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(person.pk): person for person in candidates}
        self.fields["buyer"].choices = [
            *((pk, person.display_name) for pk, person in self.candidates.items()),
            (ELSEWHERE, "Someone else, not on Bazaar"),
        ]


@require_http_methods(["GET", "POST"])
def sale_complete(request, listing_id: int):
    """Mark one of your listings sold: to whom (among the people who came by, or someone not on
    Bazaar) and at what price. A POST without a buyer sells to the accepted offer's buyer."""
    listing = listing_selectors.access_own_listing(request.user, listing_id)
    accepted = selectors.accepted_offer_on(listing)
    if request.method == "POST" and "buyer" not in request.POST:
        return _sale_to_accepted(request, listing_id=listing.pk, listing=listing)
    form = SaleForm(
        request.POST or None,
        candidates=selectors.sale_candidates(listing),
        initial={
            "buyer": str(accepted.buyer_id) if accepted else None,
            "price": accepted.price if accepted else listing.price,
        },
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            chosen = form.cleaned_data["buyer"]
            purchase = purchase_services.sale_complete(
                seller=request.user,
                listing=listing,
                sold_to=form.candidates.get(chosen),
                price=form.cleaned_data["price"],
                elsewhere=chosen == ELSEWHERE,
            )
            return _sold(request, purchase)
    return render(
        request,
        "marketplace/deals/sale.html",
        {
            "form": form,
            "listing": listing,
            "accepted": accepted,
            "can_sell": listing.status in (Listing.Status.ACTIVE, Listing.Status.RESERVED),
        },
        status=400 if form.errors else 200,
    )


@refusal_redirects(_seller_back)
def _sale_to_accepted(request, listing_id: int, listing: Listing):
    purchase = purchase_services.sale_complete(seller=request.user, listing=listing)
    return _sold(request, purchase)


def _sold(request, purchase):
    if purchase.buyer_id is None:
        messages.success(request, "Marked sold.")
        return redirect("marketplace:listing", purchase.listing_id)
    messages.success(request, "Marked sold. You can rate the buyer now.")
    return redirect("marketplace:deals_rate", purchase.pk)


@require_POST
@refusal_redirects(_seller_back)
def reservation_cancel(request, listing_id: int):
    listing = selectors.access_listing(request.user, listing_id)
    offer_services.reservation_cancel(seller=request.user, listing=listing)
    messages.success(request, "The reservation is released; the listing takes offers again.")
    return redirect(_seller_back(request, listing.pk))


# --- Offers ---------------------------------------------------------------------------------


@require_GET
def offers_made(request):
    return render(
        request,
        "marketplace/deals/offers_made.html",
        {"offers": list(selectors.offers_made_by(request.user))},
    )


@require_POST
@refusal_redirects("marketplace:deals_offers_made")
def offer_withdraw(request, offer_id: int):
    offer = selectors.access_offer_for_buyer(request.user, offer_id)
    offer_services.offer_withdraw(buyer=request.user, offer=offer)
    messages.success(request, "Your offer is withdrawn.")
    return redirect("marketplace:deals_offers_made")


def _offers_received(request, status: int = 200):
    return render(
        request,
        "marketplace/deals/_offers_received.html",
        {"offers": list(selectors.offers_received_by(request.user))},
        status=status,
    )


@require_GET
def offers_received(request):
    return render(
        request,
        "marketplace/deals/offers_received.html",
        {"offers": list(selectors.offers_received_by(request.user))},
    )


def _listing_panel_fragment(request, listing_id: int):
    listing = selectors.access_listing(request.user, listing_id)
    return render(
        request,
        "marketplace/deals/_listing_panel.html",
        panel_context(request.user, listing),
    )


def _offer_for_seller(request, offer_id: int):
    return selectors.access_offer_for_seller(request.user, offer_id)


def _seller_offers_fragment(request, offer_id: int) -> HttpResponse:
    """htmx gets the refreshed list back, or the refreshed listing panel when the button was on
    the listing page (`from=listing`)."""
    if request.POST.get("from") == "listing":
        return _listing_panel_fragment(request, _offer_for_seller(request, offer_id).listing_id)
    return _offers_received(request)


def _seller_offer_back(request, offer_id: int) -> str:
    return _seller_back(request, _offer_for_seller(request, offer_id).listing_id)


def _seller_offer_action(request, offer_id: int, action, success: str):
    """Accept, decline or counter; its views are decorated
    `@refusal_redirects(_seller_offer_back, htmx=_seller_offers_fragment)`."""
    offer = _offer_for_seller(request, offer_id)
    action(offer)
    if request.htmx:
        return _seller_offers_fragment(request, offer_id)
    messages.success(request, success)
    return redirect(_seller_back(request, offer.listing_id))


@require_POST
@refusal_redirects(_seller_offer_back, htmx=_seller_offers_fragment)
def offer_accept(request, offer_id: int):
    return _seller_offer_action(
        request,
        offer_id,
        lambda offer: offer_services.offer_accept(seller=request.user, offer=offer),
        "Offer accepted: the item is reserved for this buyer; the others are told.",
    )


@require_POST
@refusal_redirects(_seller_offer_back, htmx=_seller_offers_fragment)
def offer_decline(request, offer_id: int):
    return _seller_offer_action(
        request,
        offer_id,
        lambda offer: offer_services.offer_decline(seller=request.user, offer=offer),
        "Offer declined; the buyer is told.",
    )


@require_POST
@refusal_redirects(_seller_offer_back, htmx=_seller_offers_fragment)
def offer_counter(request, offer_id: int):
    """The seller answers an offer with their price (the `amount` field)."""
    return _seller_offer_action(
        request,
        offer_id,
        lambda offer: offer_services.offer_counter(
            seller=request.user, offer=offer, amount=request.POST.get("amount", "")
        ),
        "Your price is sent; the buyer decides now and you'll be told.",
    )


def _buyer_back(request, offer_id: int, **_) -> str:
    """A buyer's answer to a counter-offer comes back to the listing page when it was there
    (`from=listing`), else to their offers."""
    if request.POST.get("from") == "listing":
        return _panel_url(selectors.access_offer_for_buyer(request.user, offer_id).listing_id)
    return reverse("marketplace:deals_offers_made")


@require_POST
@refusal_redirects(_buyer_back)
def counter_accept(request, offer_id: int):
    offer = selectors.access_offer_for_buyer(request.user, offer_id)
    offer_services.counter_accept(buyer=request.user, offer=offer)
    messages.success(request, "Deal: the item is reserved for you; the seller is told.")
    return redirect(_buyer_back(request, offer_id))


@require_POST
@refusal_redirects(_buyer_back)
def counter_decline(request, offer_id: int):
    offer = selectors.access_offer_for_buyer(request.user, offer_id)
    offer_services.counter_decline(buyer=request.user, offer=offer)
    messages.success(request, "You declined the seller's price; the seller is told.")
    return redirect(_buyer_back(request, offer_id))


# --- Conversations --------------------------------------------------------------------------


@require_GET
def conversations(request):
    return render(
        request,
        "marketplace/deals/conversations.html",
        {"conversations": list(selectors.conversations_for(request.user))},
    )


@require_http_methods(["GET", "POST"])
@refusal_redirects(
    lambda request, conversation_id: reverse(
        "marketplace:deals_conversation", args=[conversation_id]
    )
)
def conversation(request, conversation_id: int):
    thread = selectors.access_conversation(request.user, conversation_id)
    if request.method == "POST":
        conversation_services.message_send(
            sender=request.user, conversation=thread, text=request.POST.get("text", "")
        )
        return redirect("marketplace:deals_conversation", thread.pk)
    conversation_services.conversation_mark_read(user=request.user, conversation=thread)
    return render(
        request,
        "marketplace/deals/conversation.html",
        {
            "conversation": thread,
            "messages_list": list(selectors.messages_in(thread)),
            "is_seller": request.user.pk == thread.listing.seller_id,
        },
    )


urlpatterns = [
    path("deals/listings/<int:listing_id>/", listing_panel, name="deals_listing"),
    path("deals/listings/<int:listing_id>/questions/", question_ask, name="deals_question_ask"),
    path(
        "deals/questions/<int:question_id>/answer/",
        question_answer,
        name="deals_question_answer",
    ),
    path("deals/listings/<int:listing_id>/offers/", offer_make, name="deals_offer_make"),
    path(
        "deals/listings/<int:listing_id>/conversation/",
        conversation_start,
        name="deals_conversation_start",
    ),
    path("deals/listings/<int:listing_id>/sold/", sale_complete, name="deals_sale_complete"),
    path(
        "deals/listings/<int:listing_id>/release/",
        reservation_cancel,
        name="deals_reservation_cancel",
    ),
    path("deals/offers/", offers_made, name="deals_offers_made"),
    path("deals/offers/<int:offer_id>/withdraw/", offer_withdraw, name="deals_offer_withdraw"),
    path("deals/offers/received/", offers_received, name="deals_offers_received"),
    path("deals/offers/<int:offer_id>/accept/", offer_accept, name="deals_offer_accept"),
    path("deals/offers/<int:offer_id>/decline/", offer_decline, name="deals_offer_decline"),
    path("deals/offers/<int:offer_id>/counter/", offer_counter, name="deals_offer_counter"),
    path(
        "deals/offers/<int:offer_id>/counter/accept/",
        counter_accept,
        name="deals_counter_accept",
    ),
    path(
        "deals/offers/<int:offer_id>/counter/decline/",
        counter_decline,
        name="deals_counter_decline",
    ),
    path("deals/conversations/", conversations, name="deals_conversations"),
    path("deals/conversations/<int:conversation_id>/", conversation, name="deals_conversation"),
]
