"""Deals API: questions, conversations, offers, sales, ratings and declared purchases, as JSON.

The same selectors and services as the pages. Errors come back in the one error body
(`config.api`): a listing, offer, conversation or purchase the caller may not see is 404; an
action the rules refuse is 400/403; a state that changed under the caller is 409 — notably the
loser of two offers accepted at once gets 409 `lost_race`, and a second rating 409.

Choices: starting a conversation twice adds the message to the existing one (200, same id); a
new offer replaces the buyer's open offer on the listing (the old one becomes withdrawn).
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.models import (
    Brand,
    Category,
    Conversation,
    Listing,
    Message,
    Offer,
    ProductModel,
    Purchase,
    Question,
    Rating,
)
from marketplace.selectors import deals as selectors
from marketplace.services import conversations, offers, purchases, questions, ratings

# --- Serializers ----------------------------------------------------------------------------


class DealPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    display_name = serializers.CharField()


class QuestionOut(serializers.ModelSerializer):
    asker = DealPersonSerializer()

    class Meta:
        model = Question
        fields = ["id", "listing", "asker", "text", "answer", "created_at", "answered_at"]


class TextIn(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=5000, trim_whitespace=False)


class DealListingOut(serializers.ModelSerializer):
    seller = DealPersonSerializer()
    status = serializers.CharField(help_text="draft, active, reserved, sold, withdrawn, expired")

    class Meta:
        model = Listing
        fields = ["id", "title", "status", "price", "currency", "seller"]


class OfferOut(serializers.ModelSerializer):
    buyer = DealPersonSerializer()
    status = serializers.CharField(
        help_text="open (the seller answers), countered (the buyer answers the seller's "
        "counter_amount), accepted, declined or withdrawn"
    )
    listing = DealListingOut()
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        read_only=True,
        help_text="The price on the table: counter_amount once the seller made one, else amount.",
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "listing",
            "buyer",
            "amount",
            "counter_amount",
            "price",
            "message",
            "status",
            "created_at",
            "countered_at",
        ]


class CounterIn(serializers.Serializer):
    amount = serializers.CharField(max_length=40, help_text="More than 0, at most 1000000.")


class OfferIn(serializers.Serializer):
    amount = serializers.CharField(max_length=40, help_text="More than 0, at most 1000000.")
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)


class MessageOut(serializers.ModelSerializer):
    sender = DealPersonSerializer()

    class Meta:
        model = Message
        fields = ["id", "sender", "text", "created_at", "read_at"]


class ConversationOut(serializers.ModelSerializer):
    listing = DealListingOut()
    buyer = DealPersonSerializer()
    message_count = serializers.IntegerField(read_only=True, default=0)
    unread_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Conversation
        fields = ["id", "listing", "buyer", "message_count", "unread_count", "updated_at"]


class ConversationDetailOut(ConversationOut):
    messages = serializers.SerializerMethodField()

    class Meta(ConversationOut.Meta):
        fields = [*ConversationOut.Meta.fields, "messages"]

    @extend_schema_field(MessageOut(many=True))
    def get_messages(self, conversation) -> list[dict]:
        # The stubs give `.data` as a dict; with many=True it is a list.
        return MessageOut(selectors.messages_in(conversation), many=True).data  # type: ignore[return-value]


class PurchaseOut(serializers.ModelSerializer):
    seller = DealPersonSerializer(allow_null=True)
    buyer = DealPersonSerializer(allow_null=True)

    class Meta:
        model = Purchase
        fields = [
            "id",
            "buyer",
            "seller",
            "listing",
            "product_model",
            "category",
            "brand",
            "description",
            "price",
            "currency",
            "verified",
            "purchased_on",
        ]


class PurchaseDeclareIn(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    product_model = serializers.PrimaryKeyRelatedField(
        queryset=ProductModel.objects.all(), required=False, allow_null=True
    )
    brand = serializers.PrimaryKeyRelatedField(
        queryset=Brand.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    purchased_on = serializers.DateField(help_text="Not in the future.")
    price = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    currency = serializers.ChoiceField(Listing.Currency.choices, required=False)


class RatingIn(serializers.Serializer):
    stars = serializers.IntegerField(help_text="1 to 5.")
    line = serializers.CharField(max_length=200, required=False, allow_blank=True)


class RatingOut(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["id", "purchase", "rater", "ratee", "stars", "line", "created_at"]


class PurchasesOut(serializers.Serializer):
    purchases = PurchaseOut(many=True)
    sales = PurchaseOut(many=True)


# --- Lookups --------------------------------------------------------------------------------


def _text(request) -> str:
    body = TextIn(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data["text"]


# --- Questions ------------------------------------------------------------------------------


class QuestionsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=QuestionOut(many=True), operation_id="market_questions_list")
    def get(self, request, listing_id: int):
        """The listing's questions and answers, as its audience sees them."""
        listing = selectors.access_listing(request.user, listing_id)
        return Response(QuestionOut(selectors.questions_on(request.user, listing), many=True).data)

    @extend_schema(request=TextIn, responses={201: QuestionOut}, operation_id="market_question_ask")
    def post(self, request, listing_id: int):
        """Ask a public question (not on your own listing); the seller is notified."""
        if not request.user.is_authenticated:
            self.permission_denied(request)
        question = questions.question_ask(
            asker=request.user,
            listing=selectors.access_listing(request.user, listing_id),
            text=_text(request),
        )
        return Response(QuestionOut(question).data, status=status.HTTP_201_CREATED)


class QuestionAnswerView(APIView):
    @extend_schema(request=TextIn, responses=QuestionOut, operation_id="market_question_answer")
    def post(self, request, question_id: int):
        """The seller answers a question on their listing; the asker is notified."""
        question = selectors.access_question_for_seller(request.user, question_id)
        question = questions.question_answer(
            seller=request.user, question=question, text=_text(request)
        )
        return Response(QuestionOut(question).data)


# --- Conversations --------------------------------------------------------------------------


class ConversationsView(APIView):
    @extend_schema(responses=ConversationOut(many=True), operation_id="market_conversations_list")
    def get(self, request):
        """Your conversations, as buyer or seller, latest first."""
        rows = selectors.conversations_for(request.user)
        return Response(ConversationOut(rows, many=True).data)


class ConversationStartView(APIView):
    @extend_schema(
        request=TextIn, responses=ConversationDetailOut, operation_id="market_conversation_start"
    )
    def post(self, request, listing_id: int):
        """A buyer writes to the seller about a listing. Only buyers start conversations; writing
        again adds to the same conversation."""
        started = conversations.conversation_start(
            buyer=request.user,
            listing=selectors.access_listing(request.user, listing_id),
            text=_text(request),
        )
        # Read again as the list shows it (with its counts).
        conversation = selectors.conversation_for(request.user, started.pk)
        return Response(ConversationDetailOut(conversation).data, status=status.HTTP_201_CREATED)


class ConversationView(APIView):
    @extend_schema(responses=ConversationDetailOut, operation_id="market_conversation_read")
    def get(self, request, conversation_id: int):
        """One of your conversations with its messages; the other side's messages become read."""
        conversation = selectors.access_conversation(request.user, conversation_id)
        conversations.conversation_mark_read(user=request.user, conversation=conversation)
        return Response(ConversationDetailOut(conversation).data)


class MessagesView(APIView):
    @extend_schema(request=TextIn, responses={201: MessageOut}, operation_id="market_message_send")
    def post(self, request, conversation_id: int):
        """Write in a conversation: its buyer, or the seller replying."""
        conversation = selectors.access_conversation(request.user, conversation_id)
        message = conversations.message_send(
            sender=request.user, conversation=conversation, text=_text(request)
        )
        return Response(MessageOut(message).data, status=status.HTTP_201_CREATED)


# --- Offers ---------------------------------------------------------------------------------


class OffersMadeView(APIView):
    @extend_schema(responses=OfferOut(many=True), operation_id="market_offers_made")
    def get(self, request):
        """Your offers, newest first, with their state."""
        return Response(OfferOut(selectors.offers_made_by(request.user), many=True).data)


class OffersReceivedView(APIView):
    @extend_schema(responses=OfferOut(many=True), operation_id="market_offers_received")
    def get(self, request):
        """Offers on your listings."""
        return Response(OfferOut(selectors.offers_received_by(request.user), many=True).data)


class OfferMakeView(APIView):
    @extend_schema(request=OfferIn, responses={201: OfferOut}, operation_id="market_offer_make")
    def post(self, request, listing_id: int):
        """Offer a price for an active listing (not your own); replaces your open offer on it."""
        body = OfferIn(data=request.data)
        body.is_valid(raise_exception=True)
        offer = offers.offer_make(
            buyer=request.user,
            listing=selectors.access_listing(request.user, listing_id),
            **body.validated_data,
        )
        return Response(OfferOut(offer).data, status=status.HTTP_201_CREATED)


class OfferActionView(APIView):
    """accept / decline (the seller) and withdraw (the buyer); subclasses name the action."""

    action = ""

    def _act(self, request, offer_id: int) -> Response:
        user = request.user
        if self.action == "withdraw":
            offer = offers.offer_withdraw(
                buyer=user, offer=selectors.access_offer_for_buyer(user, offer_id)
            )
        else:
            offer = selectors.access_offer_for_seller(user, offer_id)
            act = offers.offer_accept if self.action == "accept" else offers.offer_decline
            offer = act(seller=user, offer=offer)
        return _offer_out(offer)


class OfferAcceptView(OfferActionView):
    action = "accept"

    @extend_schema(request=None, responses=OfferOut, operation_id="market_offer_accept")
    def post(self, request, offer_id: int):
        """The seller accepts an open offer: the listing is reserved and the other open offers
        are declined, their buyers told. Of two acceptances at once, the loser gets 409
        `lost_race`; an offer no longer open or a listing no longer active is 409 too."""
        return self._act(request, offer_id)


class OfferDeclineView(OfferActionView):
    action = "decline"

    @extend_schema(request=None, responses=OfferOut, operation_id="market_offer_decline")
    def post(self, request, offer_id: int):
        """The seller declines an open offer; the buyer is told."""
        return self._act(request, offer_id)


def _offer_out(offer: Offer) -> Response:
    offer = Offer.objects.select_related("listing__seller__profile", "buyer__profile").get(
        pk=offer.pk
    )
    return Response(OfferOut(offer).data)


class OfferCounterView(APIView):
    @extend_schema(request=CounterIn, responses=OfferOut, operation_id="market_offer_counter")
    def post(self, request, offer_id: int):
        """The seller answers an open offer with their price; the offer becomes `countered` and
        the buyer is told. 409 for an offer no longer open or a listing no longer active."""
        body = CounterIn(data=request.data)
        body.is_valid(raise_exception=True)
        offer = offers.offer_counter(
            seller=request.user,
            offer=selectors.access_offer_for_seller(request.user, offer_id),
            amount=body.validated_data["amount"],
        )
        return _offer_out(offer)


class CounterAcceptView(APIView):
    @extend_schema(request=None, responses=OfferOut, operation_id="market_counter_accept")
    def post(self, request, offer_id: int):
        """The buyer accepts the seller's counter-offer: the deal is at that price, the listing
        reserved for them, the other offers declined. Races with any other acceptance on the
        listing like the seller's own: the loser gets 409 `lost_race`."""
        offer = offers.counter_accept(
            buyer=request.user, offer=selectors.access_offer_for_buyer(request.user, offer_id)
        )
        return _offer_out(offer)


class CounterDeclineView(APIView):
    @extend_schema(request=None, responses=OfferOut, operation_id="market_counter_decline")
    def post(self, request, offer_id: int):
        """The buyer declines the seller's counter-offer; the seller is told."""
        offer = offers.counter_decline(
            buyer=request.user, offer=selectors.access_offer_for_buyer(request.user, offer_id)
        )
        return _offer_out(offer)


class OfferWithdrawView(OfferActionView):
    action = "withdraw"

    @extend_schema(request=None, responses=OfferOut, operation_id="market_offer_withdraw")
    def post(self, request, offer_id: int):
        """The buyer withdraws their open offer."""
        return self._act(request, offer_id)


# --- Sales, ratings and purchases -----------------------------------------------------------


class SaleView(APIView):
    @extend_schema(request=None, responses={201: PurchaseOut}, operation_id="market_sale_complete")
    def post(self, request, listing_id: int):
        """The seller marks a reserved listing sold to the accepted buyer: a verified purchase."""
        purchase = purchases.sale_complete(
            seller=request.user, listing=selectors.access_listing(request.user, listing_id)
        )
        return Response(PurchaseOut(purchase).data, status=status.HTTP_201_CREATED)


class ReservationView(APIView):
    @extend_schema(request=None, responses={204: None}, operation_id="market_reservation_cancel")
    def delete(self, request, listing_id: int):
        """The seller releases a reservation: the accepted offer is declined, the listing active."""
        offers.reservation_cancel(
            seller=request.user, listing=selectors.access_listing(request.user, listing_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PurchasesView(APIView):
    @extend_schema(responses=PurchasesOut, operation_id="market_purchases_list")
    def get(self, request):
        """What you bought (here or declared) and what you sold here."""
        data = {
            "purchases": selectors.purchases_of(request.user),
            "sales": selectors.sales_of(request.user),
        }
        return Response(PurchasesOut(data).data)

    @extend_schema(
        request=PurchaseDeclareIn,
        responses={201: PurchaseOut},
        operation_id="market_purchase_declare",
    )
    def post(self, request):
        """Declare a purchase made elsewhere (not verified). Needs a category (or a product), a
        date not in the future, and a product, a brand or a description; the price is optional."""
        body = PurchaseDeclareIn(data=request.data)
        body.is_valid(raise_exception=True)
        values = {"category": None, **body.validated_data}
        purchase = purchases.purchase_declare(buyer=request.user, **values)
        return Response(PurchaseOut(purchase).data, status=status.HTTP_201_CREATED)


class RatingView(APIView):
    @extend_schema(request=RatingIn, responses={201: RatingOut}, operation_id="market_rating_give")
    def post(self, request, purchase_id: int):
        """Rate the other side of a sale, once (a second rating is 409)."""
        purchase = selectors.access_purchase(request.user, purchase_id)
        body = RatingIn(data=request.data)
        body.is_valid(raise_exception=True)
        rating = ratings.rating_give(rater=request.user, purchase=purchase, **body.validated_data)
        return Response(RatingOut(rating).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path(
        "deals/listings/<int:listing_id>/questions/",
        QuestionsView.as_view(),
        name="api-market-questions",
    ),
    path(
        "deals/questions/<int:question_id>/answer/",
        QuestionAnswerView.as_view(),
        name="api-market-question-answer",
    ),
    path(
        "deals/listings/<int:listing_id>/conversation/",
        ConversationStartView.as_view(),
        name="api-market-conversation-start",
    ),
    path("deals/conversations/", ConversationsView.as_view(), name="api-market-conversations"),
    path(
        "deals/conversations/<int:conversation_id>/",
        ConversationView.as_view(),
        name="api-market-conversation",
    ),
    path(
        "deals/conversations/<int:conversation_id>/messages/",
        MessagesView.as_view(),
        name="api-market-messages",
    ),
    path(
        "deals/listings/<int:listing_id>/offers/",
        OfferMakeView.as_view(),
        name="api-market-offer-make",
    ),
    path("deals/offers/", OffersMadeView.as_view(), name="api-market-offers"),
    path(
        "deals/offers/received/",
        OffersReceivedView.as_view(),
        name="api-market-offers-received",
    ),
    path(
        "deals/offers/<int:offer_id>/accept/",
        OfferAcceptView.as_view(),
        name="api-market-offer-accept",
    ),
    path(
        "deals/offers/<int:offer_id>/decline/",
        OfferDeclineView.as_view(),
        name="api-market-offer-decline",
    ),
    path(
        "deals/offers/<int:offer_id>/withdraw/",
        OfferWithdrawView.as_view(),
        name="api-market-offer-withdraw",
    ),
    path(
        "deals/offers/<int:offer_id>/counter/",
        OfferCounterView.as_view(),
        name="api-market-offer-counter",
    ),
    path(
        "deals/offers/<int:offer_id>/counter/accept/",
        CounterAcceptView.as_view(),
        name="api-market-counter-accept",
    ),
    path(
        "deals/offers/<int:offer_id>/counter/decline/",
        CounterDeclineView.as_view(),
        name="api-market-counter-decline",
    ),
    path("deals/listings/<int:listing_id>/sale/", SaleView.as_view(), name="api-market-sale"),
    path(
        "deals/listings/<int:listing_id>/reservation/",
        ReservationView.as_view(),
        name="api-market-reservation",
    ),
    path("deals/purchases/", PurchasesView.as_view(), name="api-market-purchases"),
    path(
        "deals/purchases/<int:purchase_id>/rating/",
        RatingView.as_view(),
        name="api-market-rating",
    ),
]
