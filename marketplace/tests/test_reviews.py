"""Reviews: one per person per product, tied to the author's purchase, audience from the policy,
helpful votes; the pages and the API on top of the same services."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import HelpfulVote, Review
from marketplace.selectors.reviews import review_summary, reviews_by, reviews_for_product
from marketplace.services.reviews import (
    helpful_vote_toggle,
    review_delete,
    review_update,
    review_write,
)
from privacy.purposes import NOTICES, Purpose
from privacy.services.consent import consent_grant, consent_withdraw
from social.services import blocks, circles
from tests.factories import PersonFactory, befriend, make_product, make_purchase, make_review


def write(author, product, **fields):
    """`author` reviews `product`, having declared a purchase of it unless they have one."""
    values = {"rating": 5, "title": "Love it", "text": "Light and fast.", "audience": "members"}
    values.update(fields)
    if product is not None and not author.purchases.filter(product_model=product).exists():
        make_purchase(author, product)
    return review_write(author=author, product_model=product, **values)


def test_a_review_is_written_for_the_chosen_audience(owner):
    review = write(owner, make_product(), audience="friends", would_recommend=False)
    assert (review.rating, review.audience, review.would_recommend) == (5, "friends", False)
    assert review.purchase is not None and not review.purchase.verified


def test_a_review_without_a_product_is_refused(owner):
    with pytest.raises(DomainError, match="Choose the product"):
        write(owner, None)
    assert not Review.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1, "5.5", "", None, True, 4.5])
def test_a_rating_outside_one_to_five_is_refused(owner, rating):
    with pytest.raises(DomainError, match="1 to 5"):
        write(owner, make_product(), rating=rating)
    assert not Review.objects.exists()


def test_a_rating_may_come_as_digits(owner):
    assert write(owner, make_product(), rating="3").rating == 3


def test_an_empty_title_or_text_is_refused(owner):
    with pytest.raises(DomainError, match="title"):
        write(owner, make_product(), title="  ")
    with pytest.raises(DomainError, match="text"):
        write(owner, make_product(), text="")
    assert not Review.objects.exists()


def test_a_second_review_of_the_same_product_is_a_conflict(owner):
    product = make_product()
    first = write(owner, product)
    with pytest.raises(Conflict, match="edit your review instead"):
        write(owner, product, title="Again")
    assert list(Review.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_database_keeps_one_review_per_person_per_product(owner):
    product = make_product()
    make_review(owner, product)
    with pytest.raises(IntegrityError):  # past the service, which refuses it first
        Review.objects.create(author=owner, product_model=product, rating=4, title="Again")


def test_someone_elses_circle_is_refused(owner, stranger):
    theirs = circles.circle_create(owner=stranger, name="Riders")
    with pytest.raises(DomainError, match="your own circles"):
        write(owner, make_product(), audience="circles", circle_ids=[theirs.pk])
    assert not Review.objects.exists()


def test_a_review_for_the_authors_circle_is_seen_by_that_circle_only(graph):
    owner, friend_a, friend_b = graph["owner"], graph["friend_a"], graph["friend_b"]
    review = write(owner, make_product(), audience="circles", circle_ids=[graph["circle_a"].pk])
    assert list(Review.objects.visible_to(friend_a)) == [review]
    assert not Review.objects.visible_to(friend_b).exists()


def test_the_authors_purchase_is_tied_automatically_verified_first(owner):
    product = make_product()
    make_purchase(owner, product, verified=False)
    bought_here = make_purchase(owner, product, verified=True)
    review = write(owner, product)
    assert review.purchase == bought_here and review.verified


def test_a_declared_purchase_is_tied_but_not_verified(owner):
    product = make_product()
    declared = make_purchase(owner, product, verified=False)
    review = write(owner, product)
    assert review.purchase == declared and not review.verified


def test_someone_elses_purchase_is_refused(owner, stranger):
    product = make_product()
    theirs = make_purchase(stranger, product, verified=True)
    with pytest.raises(NotFound, match="purchase of yours"):
        write(owner, product, purchase=theirs.pk)
    assert not Review.objects.exists()


def test_a_purchase_of_another_product_is_refused(owner):
    other = make_purchase(owner, make_product("Domane", "Trek"), verified=True)
    with pytest.raises(DomainError, match="another product"):
        write(owner, make_product(), purchase=other)
    assert not Review.objects.exists()


def test_only_the_author_edits_or_deletes_a_review(owner, stranger):
    review = write(owner, make_product())
    with pytest.raises(NotFound):
        review_update(author=stranger, review_id=review.pk, title="Mine now")
    with pytest.raises(NotFound):
        review_delete(author=stranger, review_id=review.pk)
    updated = review_update(author=owner, review_id=review.pk, rating=2, title="Changed my mind")
    assert (updated.rating, updated.title, updated.text) == (
        2,
        "Changed my mind",
        "Light and fast.",
    )
    with pytest.raises(DomainError):
        review_update(author=owner, review_id=review.pk, rating=9)
    review_delete(author=owner, review_id=review.pk)
    assert not Review.objects.exists()


def test_a_helpful_vote_toggles(owner, stranger):
    review = write(owner, make_product())
    assert helpful_vote_toggle(voter=stranger, review_id=review.pk) is True
    assert HelpfulVote.objects.filter(review=review, voter=stranger).count() == 1
    assert helpful_vote_toggle(voter=stranger, review_id=review.pk) is False
    assert not HelpfulVote.objects.exists()


def test_you_cannot_vote_your_own_review_helpful(owner):
    review = write(owner, make_product())
    with pytest.raises(NotAllowed):
        helpful_vote_toggle(voter=owner, review_id=review.pk)
    assert not HelpfulVote.objects.exists()


def test_you_cannot_vote_on_a_review_you_cannot_see(owner, stranger):
    review = write(owner, make_product(), audience="friends")
    with pytest.raises(NotFound):
        helpful_vote_toggle(voter=stranger, review_id=review.pk)
    assert not HelpfulVote.objects.exists()


def test_product_reviews_follow_audience_blocks_and_moderation(graph, stranger):
    owner, friend_a, blocked = graph["owner"], graph["friend_a"], graph["blocked"]
    product = make_product()
    for_friends = write(owner, product, audience="friends")
    public = write(friend_a, product, audience="public")
    hidden = write(stranger, product, audience="public")
    Review.objects.filter(pk=hidden.pk).update(hidden=True)
    by_blocked = write(blocked, product, audience="public")
    assert set(reviews_for_product(friend_a, product)) == {for_friends, public, by_blocked}
    assert set(reviews_for_product(stranger, product)) == {public, by_blocked}
    assert set(reviews_for_product(None, product)) == {public, by_blocked}
    # The blocked pair never see each other's reviews.
    assert set(reviews_for_product(owner, product)) == {for_friends, public}
    assert set(reviews_for_product(blocked, product)) == {public, by_blocked}
    # A hidden review is off the product page, even for its author, but in their own list.
    assert hidden in set(reviews_by(stranger))
    assert review_summary(friend_a, product).count == 3


def test_product_reviews_carry_helpful_counts_and_the_verified_flag(owner, stranger):
    befriend(owner, stranger)
    consent_grant(user=owner, purpose="social_proof", scope="friends")
    product = make_product()
    make_purchase(owner, product, verified=True)
    review = write(owner, product, audience="public")
    helpful_vote_toggle(voter=stranger, review_id=review.pk)
    [row] = reviews_for_product(stranger, product)
    assert (row.helpful_count, row.voted_helpful, row.verified_purchase) == (1, True, True)
    [row] = reviews_for_product(None, product)
    assert row.voted_helpful is False


# --- The "verified purchase" badge follows `social_proof`, the review its own audience --------


@pytest.fixture
def bought_and_reviewed(graph):
    """The owner bought the bike here and reviewed it for their friends; their `social_proof`
    covers only Circle A (friend_a is in it, friend_b is not)."""
    owner = graph["owner"]
    consent_grant(
        user=owner, purpose="social_proof", scope="circles", circle_ids=[graph["circle_a"].pk]
    )
    product = make_product()
    purchase = make_purchase(owner, product, verified=True)
    review = write(owner, product, audience="friends", purchase=purchase.pk, title="Climbs well")
    return {**graph, "product": product, "review": review}


def badge_for(viewer, product) -> dict[int, bool]:
    return {row.pk: row.verified_purchase for row in reviews_for_product(viewer, product)}


def test_a_friend_in_the_social_proof_scope_sees_the_verified_badge(bought_and_reviewed):
    world = bought_and_reviewed
    assert badge_for(world["friend_a"], world["product"]) == {world["review"].pk: True}


def test_a_friend_outside_the_circle_scope_sees_the_review_without_the_badge(
    bought_and_reviewed,
):
    world = bought_and_reviewed
    assert badge_for(world["friend_b"], world["product"]) == {world["review"].pk: False}


def test_the_author_always_sees_their_own_badge(bought_and_reviewed):
    world = bought_and_reviewed
    consent_withdraw(user=world["owner"], purpose="social_proof")
    assert badge_for(world["owner"], world["product"]) == {world["review"].pk: True}
    assert [row.verified_purchase for row in reviews_by(world["owner"])] == [True]


def test_a_public_review_shows_no_badge_to_anonymous_visitors_or_strangers(
    bought_and_reviewed,
):
    world = bought_and_reviewed
    Review.objects.filter(pk=world["review"].pk).update(audience="public")
    assert badge_for(None, world["product"]) == {world["review"].pk: False}
    assert badge_for(world["stranger"], world["product"]) == {world["review"].pk: False}


def test_the_product_page_shows_the_badge_only_within_the_social_proof_scope(
    client, client_for, bought_and_reviewed
):
    world = bought_and_reviewed
    Review.objects.filter(pk=world["review"].pk).update(audience="public")
    url = reverse("marketplace:product", args=[world["product"].slug])

    pages = {"anonymous": client.get(url).content.decode()}
    for name in ("friend_a", "friend_b", "owner"):
        pages[name] = client_for(world[name]).get(url).content.decode()

    assert all("Climbs well" in page for page in pages.values())
    shown = {name for name, page in pages.items() if "Verified purchase" in page}
    assert shown == {"friend_a", "owner"}


def test_the_api_says_verified_only_within_the_social_proof_scope(
    api_client_for, bought_and_reviewed
):
    world = bought_and_reviewed
    url = reverse("api-market-product-reviews", args=[world["product"].slug])

    verified = {
        name: [row["verified_purchase"] for row in api_client_for(world[name]).get(url).json()]
        for name in ("friend_a", "friend_b", "owner")
    }

    assert verified == {"friend_a": [True], "friend_b": [False], "owner": [True]}


def test_the_product_page_runs_a_fixed_number_of_queries(client_for, owner):
    product = make_product()
    client = client_for(owner)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("marketplace:product", args=[product.slug])).status_code == 200
            )
        return len(captured)

    reviewers = [PersonFactory.create(name=f"Reviewer {n}") for n in range(12)]
    for reviewer in reviewers:  # before the counts: a grant moves the consent version
        consent_grant(user=reviewer, purpose="social_proof", scope="fof")
    for reviewer in reviewers[:2]:
        make_review(reviewer, product, audience="public")
    count_queries()  # the viewer's network is read once, then kept
    few = count_queries()
    for reviewer in reviewers[2:]:
        purchase = make_purchase(reviewer, product, verified=True)
        review = make_review(reviewer, product, audience="public", purchase=purchase)
        helpful_vote_toggle(voter=owner, review_id=review.pk)
    assert count_queries() == few


def test_the_verified_badges_take_no_query_per_review(api_client_for, owner):
    product = make_product()
    api = api_client_for(owner)
    url = reverse("api-market-product-reviews", args=[product.slug])

    def reviewed_by_friends(names) -> None:
        for name in names:
            friend = PersonFactory.create(name=name)
            befriend(owner, friend)
            consent_grant(user=friend, purpose="social_proof", scope="friends")
            purchase = make_purchase(friend, product, verified=True)
            make_review(friend, product, audience="friends", purchase=purchase)

    def badges_and_queries() -> tuple[list[bool], int]:
        with CaptureQueriesContext(connection) as captured:
            rows = api.get(url).json()
        return [row["verified_purchase"] for row in rows], len(captured)

    reviewed_by_friends(["Friend 0", "Friend 1"])
    few_badges, few = badges_and_queries()
    reviewed_by_friends([f"Friend {n}" for n in range(2, 12)])
    badges, many = badges_and_queries()

    assert (few_badges, badges) == ([True] * 2, [True] * 12)
    assert many == few


def test_the_product_page_shows_reviews_with_badges_and_the_form(client_for, owner, stranger):
    befriend(owner, stranger)
    consent_grant(user=stranger, purpose="social_proof", scope="friends")
    product = make_product()
    make_purchase(stranger, product, verified=True)
    write(stranger, product, title="Great climber")
    response = client_for(owner).get(reverse("marketplace:product", args=[product.slug]))
    body = response.content.decode()
    assert "Great climber" in body and "Verified purchase" in body
    assert "Write a review" in body


def test_writing_a_review_on_the_page_then_editing_it(client_for, owner):
    product = make_product()
    client = client_for(owner)
    url = reverse("marketplace:review_save", args=[product.slug])
    form = {"rating": "4", "title": "Good", "text": "Fine.", "audience": "friends"}
    refused = client.post(url, form)
    assert refused.status_code == 400 and "add it to your purchases" in refused.text
    assert client.post(url, {**form, "bought_on": "2026-03-01"}).status_code == 302
    assert client.post(url, {**form, "title": "Better"}).status_code == 302
    assert list(Review.objects.values_list("title", flat=True)) == ["Better"]
    bad = client.post(url, {**form, "rating": "9"})
    assert bad.status_code == 400
    assert Review.objects.get().title == "Better"
    assert Review.objects.get().purchase.purchased_on.isoformat() == "2026-03-01"


def test_the_helpful_button_answers_htmx_with_the_count(client_for, owner, stranger):
    review = write(owner, make_product())
    url = reverse("marketplace:review_helpful", args=[review.pk])
    response = client_for(stranger).post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "1 found this helpful" in response.content.decode()


def test_my_reviews_shows_a_hidden_review_to_its_author(client_for, owner):
    make_review(owner, title="Quietly hidden", hidden=True)
    body = client_for(owner).get(reverse("marketplace:my_reviews")).content.decode()
    assert "Quietly hidden" in body and "Hidden by a moderator" in body


def test_the_api_writes_a_review_and_refuses_a_second(api_client_for, owner):
    product = make_product()
    api = api_client_for(owner)
    body = {"product": product.slug, "rating": 5, "title": "Yes", "text": "Good."}
    refused = api.post(reverse("api-market-reviews"), body, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "no_purchase"
    body["bought_on"] = "2026-03-01"
    created = api.post(reverse("api-market-reviews"), body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["product"]["slug"] == product.slug
    assert (created.json()["declared_purchase"], created.json()["verified_purchase"]) == (
        True,
        False,
    )
    again = api.post(reverse("api-market-reviews"), body, format="json")
    assert again.status_code == 409
    assert (
        again.json()["error"]["message"] == "You already reviewed this; edit your review instead."
    )


def test_the_api_refuses_a_review_without_a_product(api_client_for, owner):
    body = {"rating": 5, "title": "Yes", "text": "Good."}
    response = api_client_for(owner).post(reverse("api-market-reviews"), body, format="json")
    assert response.status_code == 400
    assert "Choose the product" in response.json()["error"]["message"]
    assert not Review.objects.exists()


def test_the_api_lists_product_reviews_and_toggles_helpful(api_client_for, owner, stranger):
    product = make_product()
    review = write(owner, product, audience="public")
    listed = api_client_for(None).get(reverse("api-market-product-reviews", args=[product.slug]))
    assert [row["id"] for row in listed.json()] == [review.pk]
    assert listed.json()[0]["audience"] is None  # the audience is the author's business
    voted = api_client_for(stranger).post(reverse("api-market-review-helpful", args=[review.pk]))
    assert voted.json() == {"helpful": True, "helpful_count": 1}


def test_a_block_hides_reviews_both_ways(owner, stranger):
    product = make_product()
    write(owner, product)
    blocks.block_create(blocker=stranger, blocked=owner)
    assert not reviews_for_product(stranger, product).exists()


def test_friends_see_friends_reviews(owner, stranger):
    befriend(owner, stranger)
    review = write(owner, make_product(), audience="friends")
    assert list(reviews_for_product(stranger, review.product_model)) == [review]


def test_the_social_proof_notice_says_the_review_keeps_its_audience_and_purchases_follow_it():
    notice = NOTICES[Purpose.SOCIAL_PROOF]
    assert notice.version == 2
    assert "Your reviews are shown to the audience you give each one." in notice.text
    assert '"verified purchase" badge' in notice.text
    assert "Nobody outside that scope sees or counts your purchases." in notice.text
