"""Export and erasure keep their promises, for a member who did everything.

Olivia lists a bike and answers questions on it, gets offers and buyers' messages, sells it;
buys a bike herself (asking, writing, offering with a note), reviews it for everyone and another
product for friends only; posts, is commented on, reported and moderated (in the report queue
and in the admin); reports others; is signed in; someone who later blocked her wrote to her.
Her export must hold everything that is hers to see and nothing the pages hide from her; after
the purge nothing of hers may survive in clear, and the other side of each deal keeps its record.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from marketplace.models import HelpfulVote, Listing, Purchase, Report, Review
from marketplace.services import (
    conversations,
    offers,
    purchases,
    questions,
    ratings,
    reports,
    reviews,
)
from marketplace.services.search import saved_search_create, saved_searches_notify
from privacy import registry
from privacy.models import AuditEvent, ErasureRequest, ExportRequest, pseudonym_for
from privacy.services.erasure import erasure_request, purge_user
from privacy.services.exports import export_request
from social.models import Notification
from social.services import blocks, posts
from tests.factories import (
    PASSWORD,
    PersonFactory,
    make_admin,
    make_moderator,
    make_product,
    marlin_for_sale,
)

POST_TEXT = "OLIVIA_POST_TEXT about my old bike"
LISTING_TITLE = "OLIVIA_BIKE_TITLE"


def listing_of(seller, title: str, product) -> Listing:
    """`seller`'s listing of `product`, on sale in Lyon to signed-in members."""
    return marlin_for_sale(
        seller, title=title, product_model=product, category=product.category, brand=product.brand
    )


def sold(seller, buyer, listing, amount: str, note: str) -> Purchase:
    offer = offers.offer_make(buyer=buyer, listing=listing, amount=amount, message=note)
    offers.offer_accept(seller=seller, offer=offer)
    return purchases.sale_complete(seller=seller, listing=listing)


@pytest.fixture
def everything(graph, client_for):
    her, fiona, frank, sam = graph["owner"], graph["friend_a"], graph["friend_b"], graph["stranger"]
    betty = PersonFactory.create(name="Betty Blocker")
    mod = make_moderator()
    admin = make_admin()
    bike, lamp, tent = (
        make_product("Marlin 7"),
        make_product("Lamp", brand="Ikea"),
        make_product("Tent", brand="Msr"),
    )

    # Her listing: questions she answered, offers she received, a buyer's conversation, a sale.
    mine = listing_of(her, LISTING_TITLE, bike)
    question = questions.question_ask(asker=fiona, listing=mine, text="FIONA_QUESTION")
    questions.question_answer(seller=her, question=question, text="OLIVIA_ANSWER")
    offers.offer_make(buyer=sam, listing=mine, amount="300", message="SAM_OFFER_NOTE")
    talk = conversations.conversation_start(buyer=frank, listing=mine, text="FRANK_HELLO")
    conversations.message_send(sender=her, conversation=talk, text="OLIVIA_REPLY_AS_SELLER")
    search = saved_search_create(owner=sam, query="OLIVIA_BIKE_TITLE")
    assert search and saved_searches_notify(listing_id=mine.pk) == 1
    sale = sold(her, frank, mine, "420", "FRANK_OFFER_NOTE")
    ratings.rating_give(rater=frank, purchase=sale, stars=5, line="FRANK_RATES_HER")
    ratings.rating_give(rater=her, purchase=sale, stars=4, line="SHE_RATES_FRANK")

    # As a buyer: a question, a conversation, an offer with a note, a purchase.
    theirs = listing_of(fiona, "FIONA_LISTING", tent)
    asked = questions.question_ask(asker=her, listing=theirs, text="OLIVIA_QUESTION")
    questions.question_answer(seller=fiona, question=asked, text="FIONA_ANSWER")
    chat = conversations.conversation_start(buyer=her, listing=theirs, text="OLIVIA_HELLO_AS_BUYER")
    conversations.message_send(sender=fiona, conversation=chat, text="FIONA_REPLY")
    purchase = sold(fiona, her, theirs, "99", "OLIVIA_OFFER_NOTE")

    # Someone she dealt with who then blocked her.
    betty_listing = listing_of(betty, "BETTY_LISTING_TITLE", lamp)
    to_betty = questions.question_ask(asker=her, listing=betty_listing, text="OLIVIA_ASKS_BETTY")
    questions.question_answer(seller=betty, question=to_betty, text="BETTY_ANSWER")
    with_betty = conversations.conversation_start(
        buyer=her, listing=betty_listing, text="OLIVIA_WRITES_BETTY"
    )
    conversations.message_send(sender=betty, conversation=with_betty, text="BETTY_MESSAGE")
    offers.offer_make(buyer=her, listing=betty_listing, amount="10", message="OLIVIA_TO_BETTY")
    blocks.block_create(blocker=betty, blocked=her)

    # Reviews: one for everyone (verified, found helpful), one for friends only.
    public_review = reviews.review_write(
        author=her,
        product_model=tent,
        rating=5,
        title="OLIVIA_PUBLIC_REVIEW",
        text="Kept me dry.",
        audience="public",
        purchase=purchase,
    )
    friends_review = reviews.review_write(
        author=her,
        product_model=lamp,
        rating=3,
        title="OLIVIA_FRIENDS_REVIEW",
        text="Only for my friends.",
        audience="friends",
        declare_bought_on=date(2026, 1, 5),  # bought elsewhere: declared as she reviews it
    )
    reviews.helpful_vote_toggle(voter=fiona, review_id=public_review.pk)
    reviews.helpful_vote_toggle(voter=sam, review_id=public_review.pk)
    reviews.helpful_vote_toggle(voter=fiona, review_id=friends_review.pk)

    # A post commented on, reported, hidden from the queue and in the admin.
    post = posts.post_create(author=her, text=POST_TEXT, audience="public")
    posts.comment_create(author=fiona, post_id=post.pk, text="FIONA_COMMENT")
    about_post = reports.report_create(reporter=sam, target=post, reason="spam")
    reports.report_resolve(moderator=mod, report=about_post, action="hide")
    client_for(admin).post(
        reverse("admin:social_post_changelist"),
        {"action": "moderate_restore", "_selected_action": [post.pk]},
    )
    # The admin's own history of her post, as edits in the admin wrote it before its writes
    # went through the services: it names the post by its text.
    LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[post], action_flag=CHANGE, change_message="Restored."
    )
    # Reported as a person and warned; a report of her listing and of her review still open.
    about_her = reports.report_create(reporter=frank, target=her, reason="harassment")
    reports.report_resolve(moderator=mod, report=about_her, action="warn", note="Be kind.")
    open_on_listing = reports.report_create(reporter=sam, target=mine, reason="scam")
    open_on_review = reports.report_create(reporter=sam, target=public_review, reason="spam")
    # She reports someone else.
    sams_post = posts.post_create(author=sam, text="SAM_POST", audience="public")
    filed = reports.report_create(reporter=her, target=sams_post, reason="spam", note="MY_NOTE")

    # Signed in from a browser.
    browser = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="OliviaBrowser/1.0")
    browser.force_login(her, backend="django.contrib.auth.backends.ModelBackend")
    return {
        **graph,
        "her": her,
        "betty": betty,
        "mod": mod,
        "admin": admin,
        "mine": mine,
        "theirs": theirs,
        "sale": sale,
        "purchase": purchase,
        "post": post,
        "public_review": public_review,
        "friends_review": friends_review,
        "about_post": about_post,
        "about_her": about_her,
        "open_on_listing": open_on_listing,
        "open_on_review": open_on_review,
        "filed": filed,
        "browser": browser,
    }


def exported(person, django_capture_on_commit_callbacks) -> zipfile.ZipFile:
    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=person)
    export.refresh_from_db()
    assert export.status == ExportRequest.Status.READY, export.error
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def rows(archive: zipfile.ZipFile, kind: str) -> list[dict]:
    return json.loads(archive.read(f"{kind}.json"))


def one(found: list[dict], **match) -> dict:
    hits = [row for row in found if all(row.get(k) == v for k, v in match.items())]
    assert len(hits) == 1, (match, found)
    return hits[0]


# --- The export ------------------------------------------------------------------------------


@pytest.fixture
def archive(everything, django_capture_on_commit_callbacks) -> zipfile.ZipFile:
    return exported(everything["her"], django_capture_on_commit_callbacks)


def test_her_listings_hold_the_questions_asked_and_her_answers(archive):
    listing = one(rows(archive, "marketplace_listings"), title=LISTING_TITLE)

    assert listing["questions"] == [
        {
            "from": "Fiona InCircle",
            "question": "FIONA_QUESTION",
            "answer": "OLIVIA_ANSWER",
            "asked_at": listing["questions"][0]["asked_at"],
            "answered_at": listing["questions"][0]["answered_at"],
        }
    ]


def test_her_listings_hold_the_offers_she_received_with_their_notes(archive):
    listing = one(rows(archive, "marketplace_listings"), title=LISTING_TITLE)
    offers = listing["offers_received"]

    assert one(offers, **{"from": "Sam Stranger"})["message"] == "SAM_OFFER_NOTE"
    accepted = one(offers, **{"from": "Frank OutCircle"})
    assert (accepted["amount"], accepted["message"], accepted["status"]) == (
        "420.00",
        "FRANK_OFFER_NOTE",
        "accepted",
    )


def test_the_offers_she_made_carry_her_own_message(archive):
    offer = one(rows(archive, "marketplace_offers"), listing="FIONA_LISTING")

    assert (offer["message"], offer["status"]) == ("OLIVIA_OFFER_NOTE", "accepted")


def test_her_conversations_as_a_seller_hold_both_sides(archive):
    listing = one(rows(archive, "marketplace_listings"), title=LISTING_TITLE)
    [conversation] = listing["conversations"]

    assert conversation["with"] == "Frank OutCircle"
    assert [(m["from"], m["text"]) for m in conversation["messages"]] == [
        ("buyer", "FRANK_HELLO"),
        ("you", "OLIVIA_REPLY_AS_SELLER"),
    ]


def test_her_conversations_as_a_buyer_hold_both_sides(archive):
    conversation = one(rows(archive, "marketplace_conversations"), listing="FIONA_LISTING")

    assert [(m["from"], m["text"]) for m in conversation["messages"]] == [
        ("you", "OLIVIA_HELLO_AS_BUYER"),
        ("seller", "FIONA_REPLY"),
    ]


def test_her_sales_and_purchases_name_the_other_side(archive):
    assert one(rows(archive, "marketplace_sales"), listing=LISTING_TITLE)["to"] == (
        "Frank OutCircle"
    )
    bought = one(rows(archive, "marketplace_purchases"), what="FIONA_LISTING")
    assert (bought["from"], bought["verified"]) == ("Fiona InCircle", True)


def test_reports_about_her_and_their_outcome_are_in_it_without_the_reporters(archive):
    about = rows(archive, "marketplace_reports_about_you")

    post = one(about, what="post")
    assert (post["status"], post["outcome"]) == ("actioned", reports.OUTCOMES["hide"])
    assert one(about, what="user")["outcome"] == "Be kind."
    assert {row["status"] for row in about if row["what"] in ("listing", "review")} == {"open"}
    assert not any("Sam" in json.dumps(row) or "Frank" in json.dumps(row) for row in about)
    made = one(rows(archive, "marketplace_reports_made"), note="MY_NOTE")
    assert made["status"] == "open"


def test_her_posts_hold_the_comments_others_made_on_them(archive):
    post = one(rows(archive, "posts"), text=POST_TEXT)

    assert [(c["by"], c["text"]) for c in post["comments"]] == [("Fiona InCircle", "FIONA_COMMENT")]


def test_her_reviews_say_verified_and_how_many_found_them_helpful(archive):
    found = rows(archive, "marketplace_reviews")

    public = one(found, title="OLIVIA_PUBLIC_REVIEW")
    assert (public["verified_purchase"], public["helpful_votes"]) == (True, 2)
    friends_only = one(found, title="OLIVIA_FRIENDS_REVIEW")
    assert (friends_only["verified_purchase"], friends_only["helpful_votes"]) == (False, 1)


def test_her_sessions_are_in_it_without_their_keys(everything, archive):
    [account] = rows(archive, "account")

    assert len(account["sessions"]) == 1
    assert account["sessions"][0]["expires_at"]
    key = everything["browser"].session.session_key
    assert key.encode() not in b"".join(archive.read(name) for name in archive.namelist())


def test_what_someone_who_blocked_her_wrote_is_not_in_it_but_her_own_words_are(archive):
    everything_in_it = b"\n".join(archive.read(name) for name in archive.namelist())

    for theirs in (b"BETTY_ANSWER", b"BETTY_MESSAGE", b"BETTY_LISTING_TITLE", b"Betty Blocker"):
        assert theirs not in everything_in_it, theirs
    question = one(rows(archive, "marketplace_questions"), question="OLIVIA_ASKS_BETTY")
    assert (question["listing"], question["answer"]) == (None, None)
    conversation = one(rows(archive, "marketplace_conversations"), listing=None)
    assert [m["text"] for m in conversation["messages"]] == ["OLIVIA_WRITES_BETTY"]
    assert one(rows(archive, "marketplace_offers"), listing=None)["message"] == "OLIVIA_TO_BETTY"


def test_every_kind_in_the_manifest_is_named_once(archive):
    manifest = json.loads(archive.read("manifest.json"))
    names = [row["kind"] for row in manifest["kinds"] + manifest["excluded"]]

    assert len(names) == len(set(names))


# --- The purge -------------------------------------------------------------------------------


@pytest.fixture
def purged(everything, django_capture_on_commit_callbacks):
    her = everything["her"]
    everything.update(old_id=her.pk, pseudonym=pseudonym_for(her.pk))
    erasure = erasure_request(user=her, password=PASSWORD)
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        purge_after=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = purge_user(erasure)
    assert done.status == ErasureRequest.Status.COMPLETED
    assert not User.objects.filter(pk=everything["old_id"]).exists()
    return everything


def test_her_posts_text_survives_neither_in_the_audit_log_nor_in_the_admin_log(purged):
    events = list(AuditEvent.objects.values_list("detail", "target_type", "target_id"))
    assert events and "OLIVIA_POST_TEXT" not in json.dumps(events)
    admin_log = list(LogEntry.objects.values_list("object_repr", "change_message"))
    assert admin_log  # the moderators' actions are still on record
    assert "OLIVIA_POST_TEXT" not in json.dumps(admin_log)
    assert "Olivia" not in json.dumps(admin_log)


def test_no_event_keeps_her_account_id_and_hers_keep_only_the_pseudonym(purged):
    old_id, pseudonym = purged["old_id"], purged["pseudonym"]
    person = "accounts.user"

    assert not AuditEvent.objects.filter(actor_id=old_id).exists()
    assert not AuditEvent.objects.filter(subject_id=old_id).exists()
    about_her = AuditEvent.objects.filter(target_type=person)
    assert about_her.exists()
    assert set(about_her.values_list("target_id", flat=True)) <= {
        pseudonym_for(pk) for pk in User.objects.values_list("pk", flat=True)
    } | {pseudonym}
    warned = AuditEvent.objects.get(action="moderation.warn")
    assert (warned.subject_pseudonym, warned.target_id) == (pseudonym, pseudonym)
    user_type = ContentType.objects.get_for_model(User)
    assert not LogEntry.objects.filter(content_type=user_type, object_id=str(old_id)).exists()


def test_her_audit_events_keep_no_address_or_browser(purged):
    hers = AuditEvent.objects.filter(actor_pseudonym=purged["pseudonym"])

    assert hers.filter(action="erasure.requested").exists()
    assert set(hers.values_list("ip_address", "user_agent")) == {(None, "")}


def test_no_notification_in_anyone_elses_inbox_names_her(purged):
    texts = json.dumps(list(Notification.objects.values_list("text", flat=True)))

    for trace in ("Olivia", "OLIVIA_POST_TEXT", LISTING_TITLE):
        assert trace not in texts, trace


def test_a_review_nobody_could_see_goes_and_a_public_one_stays_without_her(purged):
    assert not Review.objects.filter(pk=purged["friends_review"].pk).exists()
    kept = Review.objects.get(pk=purged["public_review"].pk)
    assert kept.author_id is None
    assert kept.verified  # the seller kept the sale it was tied to
    assert HelpfulVote.objects.filter(review=kept).count() == 2


def test_erasing_the_buyer_keeps_the_sellers_sale_and_the_listing_sold_with_it(purged):
    fiona = purged["friend_a"]

    sale = Purchase.objects.get(pk=purged["purchase"].pk)
    assert (sale.buyer_id, sale.seller_id, sale.verified) == (None, fiona.pk, True)
    assert list(Purchase.objects.filter(seller=fiona)) == [sale]
    listing = Listing.objects.get(pk=purged["theirs"].pk)
    assert listing.status == Listing.Status.SOLD and listing.purchase == sale


def test_erasing_the_seller_keeps_the_buyers_purchase(purged):
    kept = Purchase.objects.get(pk=purged["sale"].pk)

    assert (kept.buyer_id, kept.seller_id) == (purged["friend_b"].pk, None)
    assert kept.description == LISTING_TITLE
    assert list(Purchase.objects.filter(buyer=purged["friend_b"])) == [kept]


def test_reports_about_her_are_kept_without_her_until_their_time_is_up(purged):
    about = Report.objects.filter(
        pk__in=[purged[k].pk for k in ("about_post", "about_her", "open_on_listing")]
    )
    assert about.count() == 3
    assert not about.filter(about__isnull=False).exists()
    closed = Report.objects.get(pk=purged["open_on_listing"].pk)
    assert (closed.status, closed.resolution) == (Report.Status.DISMISSED, reports.GONE)
    # The review stays, so its report stays open for the moderators.
    assert Report.objects.get(pk=purged["open_on_review"].pk).status == Report.Status.OPEN
    assert not Report.objects.filter(pk=purged["filed"].pk).exists()  # hers, gone with her

    from marketplace.tasks import purge_old_reports

    old = [purged[k].pk for k in ("about_post", "about_her")]
    Report.objects.filter(pk__in=old).update(
        resolved_at=timezone.now() - timedelta(days=settings.REPORT_RETENTION_DAYS, minutes=1)
    )
    assert purge_old_reports.delay().get() == 2
    assert not Report.objects.filter(pk__in=old).exists()
    assert Report.objects.filter(pk=closed.pk).exists()  # closed today: its time runs


def test_other_peoples_messages_offers_and_sales_go_as_the_deletion_page_says(purged):
    fiona, sam = purged["friend_a"], purged["stranger"]

    assert not Listing.objects.filter(pk=purged["mine"].pk).exists()
    assert not sam.offers_made.filter(listing_id=purged["mine"].pk).exists()
    assert not fiona.listings.get().conversations.exists()  # hers as a buyer, both sides
    assert Purchase.objects.filter(seller=fiona).count() == 1


# --- A sale both ways, and a reservation -----------------------------------------------------


def purge(person, django_capture_on_commit_callbacks) -> None:
    erasure = erasure_request(user=person, password=PASSWORD)
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        purge_after=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        purge_user(erasure)


def test_a_sale_goes_once_neither_side_is_left(graph, django_capture_on_commit_callbacks):
    seller, buyer = graph["owner"], graph["stranger"]
    sale = sold(seller, buyer, listing_of(seller, "Lamp", make_product()), "50", "")

    purge(buyer, django_capture_on_commit_callbacks)
    assert Purchase.objects.filter(pk=sale.pk, buyer=None, seller=seller).exists()
    purge(seller, django_capture_on_commit_callbacks)

    assert not Purchase.objects.filter(pk=sale.pk).exists()


def test_the_seller_of_a_buyer_now_gone_can_no_longer_rate_and_is_told_why(
    graph, client_for, django_capture_on_commit_callbacks
):
    seller, buyer = graph["owner"], graph["stranger"]
    sale = sold(seller, buyer, listing_of(seller, "Lamp", make_product()), "50", "")
    purge(buyer, django_capture_on_commit_callbacks)

    page = client_for(seller).get(reverse("marketplace:deals_purchases")).content.decode()
    assert "to a deleted account" in page
    response = client_for(seller).post(
        reverse("marketplace:deals_rate", args=[sale.pk]), {"stars": "5"}
    )
    assert response.status_code == 400
    assert "there is no one to rate" in response.content.decode()


def test_a_listing_reserved_for_an_erased_buyer_is_released_and_its_seller_told(
    graph, django_capture_on_commit_callbacks
):
    seller, buyer = graph["owner"], graph["stranger"]
    listing = listing_of(seller, "Lamp", make_product())
    offer = offers.offer_make(buyer=buyer, listing=listing, amount="40")
    offers.offer_accept(seller=seller, offer=offer)

    purge(buyer, django_capture_on_commit_callbacks)

    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE
    told = Notification.objects.get(recipient=seller, kind="market_reservation_released")
    assert "no longer reserved" in told.text and "Sam" not in told.text


# --- Saying so -------------------------------------------------------------------------------


def kept_entries() -> list[registry.PersonalData]:
    return [e for e in registry.entries() if e.erasure != registry.Erasure.DELETE]


def test_the_deletion_page_lists_every_kept_record_with_its_purpose_and_retention(
    owner, client_for
):
    page = client_for(owner).get(reverse("privacy:erase")).content.decode()

    for entry in kept_entries():
        assert entry.title in page, entry.key
        assert entry.retention_period, entry.key
        for words in (entry.why, entry.retention_period):
            assert words.replace("'", "&#x27;") in page, entry.key
    assert f"{settings.REPORT_RETENTION_DAYS} days after the report was resolved" in page


def test_the_deletion_page_says_what_happens_to_messages_offers_and_sales(owner, client_for):
    page = client_for(owner).get(reverse("privacy:erase")).content.decode()

    for said in (
        "<strong>Messages</strong>: your conversations with sellers are deleted",
        "<strong>Offers</strong>: the offers you made are deleted",
        "<strong>Sales</strong>: a sale made here is also the other person",
        "the consents you had given are granted again exactly as they were",
    ):
        assert said in page


def test_the_retention_document_lists_every_kept_record():
    document = (Path(settings.BASE_DIR) / "docs" / "privacy-retention.md").read_text()

    for entry in kept_entries():
        assert f"| {entry.title} |" in document, entry.key
    assert "REPORT_RETENTION_DAYS" in document
