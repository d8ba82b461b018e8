"""The viewer's `Network` and the `__any` lookup: `visible_to(viewer, network=...)` and
`allowing(..., network=...)` must give exactly what they give without it, for every audience,
scope and relation of the cast."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import User
from privacy.consent import allowed_among, allowing
from privacy.services.consent import consent_grant
from social.audience import Audience, network_of, network_version, networks_changed
from social.models import Circle, Post
from social.services.posts import post_create
from tests.factories import PersonFactory, befriend

pytestmark = pytest.mark.django_db


def family(person) -> Circle:
    return Circle.objects.get(owner=person, name="Family")


CAST = ["owner", "friend_a", "friend_b", "fof", "stranger", "blocked", "moderator"]


def post_in_every_audience(graph, text: str) -> None:
    """Every author of the cast writes `text` (formatted with their `name` and the `audience`)
    once per audience (circles: to their own Family, the owner to Circle A)."""
    for name in CAST:
        author = graph[name]
        for audience in Audience.values:
            circle_ids = []
            if audience == Audience.CIRCLES:
                circle = graph["circle_a"] if name == "owner" else family(author)
                circle_ids = [circle.pk]
            post_create(
                author=author,
                text=text.format(name=name, audience=audience),
                audience=audience,
                circle_ids=circle_ids,
            )


@pytest.fixture
def posts(graph):
    """Every author of the cast writes one post per audience."""
    post_in_every_audience(graph, "{name} {audience}")
    return graph


def test_the_network_holds_friends_with_ties_and_friends_of_friends(graph):
    network = network_of(graph["owner"])

    assert set(network.ties) == {graph["friend_a"].pk, graph["friend_b"].pk}
    assert network.fof == {graph["fof"].pk}
    assert network_of(graph["stranger"]).fof == frozenset()


@pytest.mark.parametrize("viewer", CAST)
def test_visible_to_with_the_network_is_the_same_rows(posts, viewer):
    person = posts[viewer]
    network = network_of(person)

    plain = set(Post.objects.visible_to(person).values_list("pk", flat=True))
    hinted = set(Post.objects.visible_to(person, network=network).values_list("pk", flat=True))

    assert hinted == plain
    assert plain  # the viewer sees at least their own and the public posts


@pytest.mark.parametrize("scope", ["friends", "fof", "circles"])
@pytest.mark.parametrize("viewer", CAST)
def test_allowing_with_the_network_is_the_same_people(graph, scope, viewer):
    for name in CAST:
        owner = graph[name]
        circle_ids = [family(owner).pk] if scope == "circles" else []
        if name == "owner" and scope == "circles":
            circle_ids = [graph["circle_a"].pk]
        consent_grant(user=owner, purpose="social_proof", scope=scope, circle_ids=circle_ids)
    person = graph[viewer]
    network = network_of(person)
    everyone = User.objects.filter(pk__in=[graph[name].pk for name in CAST])

    plain = set(everyone.filter(allowing("social_proof", person)).values_list("pk", flat=True))
    hinted = allowed_among(
        "social_proof", person, everyone.values_list("pk", flat=True), network=network
    )

    assert hinted == plain


def test_a_network_from_another_viewer_is_refused(graph):
    with pytest.raises(ValueError, match="another viewer"):
        Post.objects.visible_to(graph["owner"], network=network_of(graph["friend_a"]))
    with pytest.raises(ValueError, match="another viewer"):
        allowing("social_proof", graph["owner"], network=network_of(graph["friend_a"]))


def test_a_friend_of_a_friend_through_a_deactivated_friend_is_still_one(db):
    """The relation is the friendship rows', as the subqueries read them."""
    viewer, middle, far = (
        PersonFactory.create(name="Vic"),
        PersonFactory.create(name="Mid"),
        PersonFactory.create(name="Far"),
    )
    befriend(viewer, middle)
    befriend(middle, far)
    User.objects.filter(pk=middle.pk).update(is_active=False)
    post_create(author=far, text="hello", audience=Audience.FOF)

    network = network_of(viewer)

    assert network.fof == {far.pk}
    assert Post.objects.visible_to(viewer).count() == 1
    assert Post.objects.visible_to(viewer, network=network).count() == 1


def test_any_matches_in_and_an_empty_list_matches_nothing(graph):
    ids = [graph["owner"].pk, graph["fof"].pk]

    assert set(User.objects.filter(pk__any=ids)) == {graph["owner"], graph["fof"]}
    assert set(Post.objects.filter(author_id__any=ids)) == set(Post.objects.filter(author__in=ids))
    assert not User.objects.filter(pk__any=[]).exists()
    assert User.objects.exclude(pk__any=[]).count() == User.objects.count()


def test_any_unindexed_matches_the_same_rows_and_keeps_the_index_out(graph):
    ids = [graph["owner"].pk, graph["fof"].pk]
    posts = Post.objects.filter(author_id__any_unindexed=ids)

    assert set(posts) == set(Post.objects.filter(author__in=ids))
    assert not Post.objects.filter(author_id__any_unindexed=[]).exists()
    if connection.vendor == "postgresql":
        assert '("social_post"."author_id" + 0) = ANY(' in str(posts.query)


def test_a_network_version_moves_at_once_and_again_on_commit(
    db, django_capture_on_commit_callbacks
):
    person = PersonFactory.create(name="Versioned Person")
    before = network_version(person.pk)
    with django_capture_on_commit_callbacks(execute=True):
        networks_changed([person.pk])
        during = network_version(person.pk)  # a read later in the same transaction misses
    after = network_version(person.pk)  # and what was cached meanwhile is not read again
    assert len({before, during, after}) == 3
