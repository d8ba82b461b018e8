"""Likes: a member likes what they may see; the like is theirs, with its own audience (friends by
default); friends are named only where the like reaches them, and nobody else is shown or
counted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from config.errors import DomainError, NotFound
from marketplace.models import Like
from marketplace.selectors.likes import likes_of
from marketplace.services.likes import like_toggle
from social.services import posts
from social.services.blocks import block_create
from tests.factories import make_product, marlin_for_sale, person
from tests.factories.reviews import make_review
from tests.factories.social import friends

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    ann, bob, cyd, dan = (person(n) for n in ("Ann", "Bob", "Cyd", "Dan"))
    friends(ann, bob)
    return {"ann": ann, "bob": bob, "cyd": cyd, "dan": dan}


def test_a_like_is_for_friends_by_default_and_toggles(cast):
    ann, bob, cyd = cast["ann"], cast["bob"], cast["cyd"]
    post = posts.post_create(author=cyd, text="New bike!", audience="public")
    like = like_toggle(owner=ann, kind="post", object_id=post.pk)
    assert like is not None and like.audience == "friends"
    assert likes_of(bob, "post", [post.pk])[post.pk].friends == [ann]
    assert likes_of(cyd, "post", [post.pk])[post.pk].friends == []  # Cyd is not Ann's friend
    assert likes_of(ann, "post", [post.pk])[post.pk].mine
    assert like_toggle(owner=ann, kind="post", object_id=post.pk) is None
    assert not Like.objects.exists()


def test_only_what_one_may_see_can_be_liked_and_bad_input_changes_nothing(cast):
    ann, cyd = cast["ann"], cast["cyd"]
    private = posts.post_create(author=cyd, text="Mine", audience="only_me")
    with pytest.raises(NotFound):
        like_toggle(owner=ann, kind="post", object_id=private.pk)
    with pytest.raises(NotFound):
        like_toggle(owner=ann, kind="spaceship", object_id=1)
    with pytest.raises(NotFound):
        like_toggle(owner=ann, kind="listing", object_id="x")
    public = posts.post_create(author=cyd, text="Hi", audience="public")
    with pytest.raises(DomainError):
        like_toggle(owner=ann, kind="post", object_id=public.pk, audience="nobody")
    assert not Like.objects.exists()


def test_listings_reviews_and_products_are_liked_too(cast):
    ann, bob, cyd = cast["ann"], cast["bob"], cast["cyd"]
    listing = marlin_for_sale(cyd)
    review = make_review(cyd, make_product())
    for kind, thing in (("listing", listing), ("review", review), ("product", make_product())):
        like_toggle(owner=ann, kind=kind, object_id=thing.pk, audience="public")
        assert likes_of(bob, kind, [thing.pk])[thing.pk].friends == [ann]
    assert Like.objects.count() == 3


def test_nobody_but_friends_is_shown_or_counted_and_blocks_hide_likes(cast):
    ann, bob, dan = cast["ann"], cast["bob"], cast["dan"]
    post = posts.post_create(author=dan, text="Ride", audience="public")
    for someone in [person(f"P{n}") for n in range(6)]:
        like_toggle(owner=someone, kind="post", object_id=post.pk, audience="public")
    like_toggle(owner=bob, kind="post", object_id=post.pk)  # friends: Ann sees him named
    seen = likes_of(ann, "post", [post.pk])[post.pk]
    assert seen.friends == [bob] and seen.more_friends == 0
    assert likes_of(dan, "post", [post.pk])[post.pk].friends == []  # the author has no friends
    block_create(blocker=bob, blocked=ann)
    assert likes_of(ann, "post", [post.pk])[post.pk].friends == []


def test_the_like_button_on_a_post_page(client, cast):
    ann, cyd = cast["ann"], cast["cyd"]
    post = posts.post_create(author=cyd, text="Ride", audience="public")
    client.force_login(ann)
    page = client.get(reverse("social:post", args=[post.pk])).content.decode()
    assert "♡ Like" in page
    url = reverse("marketplace:like", args=["post", post.pk])
    assert client.post(url, {"audience": "only_me"}).status_code == 302
    assert Like.objects.get().audience == "only_me"
    assert "♥ Liked" in client.get(reverse("social:post", args=[post.pk])).content.decode()
    assert client.post(reverse("marketplace:like", args=["nothing", 1])).status_code == 302
