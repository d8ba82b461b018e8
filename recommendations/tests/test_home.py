"""The member home is the product: a search of how friends decided, listings near home, the
feed, friends' reviews and "Sell"; an empty network or no home says what to do next."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    LYON,
    PARIS,
    PersonFactory,
    friends,
    make_product,
    make_review,
    marlin_for_sale,
    talk,
    with_home,
)

pytestmark = pytest.mark.django_db


def test_a_newcomer_sees_the_next_steps_not_empty_boxes(owner, client_for):
    page = client_for(owner).get("/").content.decode()
    assert "Your next steps" in page
    assert "Set your home town" in page and "Find people you know" in page
    assert "What are you deciding on?" in page
    assert "Sell something" in page
    assert "Newest for sale" in page


def test_a_member_with_a_home_sees_what_is_near_first(owner, stranger, client_for):
    with_home(owner, LYON, place="Lyon, France")
    far = marlin_for_sale(stranger, title="Far away bike", latitude=PARIS[0], longitude=PARIS[1])
    near = marlin_for_sale(stranger, title="Round the corner bike")
    response = client_for(owner).get("/")
    assert [listing.pk for listing in response.context["listings"]] == [near.pk, far.pk]
    page = response.content.decode()
    assert "For sale near Lyon, France" in page
    assert page.index("Round the corner bike") < page.index("Far away bike")
    assert "Set your home town" not in page


def test_friends_posts_and_reviews_show_as_their_audience_allows(owner, stranger, client_for):
    friend = PersonFactory.create(name="Fay Friend")
    friends(owner, friend)
    talk(friend, "Rode to the lake today", audience="friends")
    make_review(friend, title="A trail bike that forgives", audience="friends")
    make_review(friend, make_product("Fuel EX"), title="Only for me", audience="only_me")
    make_review(stranger, title="A stranger's review", audience="public")
    page = client_for(owner).get("/").content.decode()
    assert "Rode to the lake today" in page
    assert "A trail bike that forgives" in page
    assert "Only for me" not in page
    assert "A stranger's review" not in page
    assert "Find people you know" not in page


def test_the_home_costs_the_same_queries_whatever_the_network(owner, client_for):
    client = client_for(owner)
    with_home(owner, LYON, place="Lyon, France")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    def a_friend_with_news(n: int) -> None:
        friend = PersonFactory.create()
        friends(owner, friend)
        talk(friend, f"Post {n}", audience="friends")
        make_review(friend, title=f"Review {n}", audience="friends")
        marlin_for_sale(friend, title=f"Bike {n}")

    a_friend_with_news(0)
    few = queries()
    for n in range(1, 5):
        a_friend_with_news(n)
    assert queries() == few


def test_friends_reviews_are_the_newest_four_they_may_see_with_their_details(owner):
    from datetime import timedelta

    from django.utils import timezone

    from marketplace.models import Review
    from marketplace.selectors.reviews import friends_recent_reviews

    friend, other = PersonFactory.create(), PersonFactory.create()
    friends(owner, friend)
    friends(owner, other)
    products = [make_product(f"Model {n}") for n in range(7)]
    written = [
        make_review(friend if n % 2 else other, products[n], title=f"Review {n}") for n in range(5)
    ]
    hidden = make_review(friend, products[5], title="Hidden", hidden=True)
    private = make_review(other, products[6], title="Private", audience="only_me")
    now = timezone.now()
    for age, review in enumerate([private, hidden, *reversed(written)]):
        Review.objects.filter(pk=review.pk).update(created_at=now - timedelta(minutes=age))

    shown = friends_recent_reviews(owner, limit=4)

    assert [review.title for review in shown] == ["Review 4", "Review 3", "Review 2", "Review 1"]
    assert all(review.helpful_count == 0 and not review.voted_helpful for review in shown)
    assert friends_recent_reviews(PersonFactory.create()) == []
