"""The social API end to end: whole flows, and bad input that gets a clear 4xx and changes nothing.

Who may call which route is the access matrix's business (tests/access/); here we check what each
call does, and that every refusal answers `{"error": {"code", "message"}}` without touching data.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from social.models import (
    Block,
    Circle,
    CircleMembership,
    Comment,
    FriendRequest,
    Friendship,
    Notification,
    Post,
    SocialSettings,
)
from social.services import posts
from tests.factories import PersonFactory

TOO_BIG = 10**20  # fits no database integer column


def snapshot() -> dict[str, int]:
    """Row counts of everything the social API writes, to prove a refusal changed nothing."""
    models = (
        Block,
        Circle,
        CircleMembership,
        Comment,
        FriendRequest,
        Friendship,
        Notification,
        Post,
    )
    return {model.__name__: model.objects.count() for model in models}


def assert_error(response, status: int, code: str | None = None, message: str = "") -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    assert message in error["message"]
    return error


def png_upload(name: str = "bike.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


# --- Friend requests, friends, circles ------------------------------------------------------


def test_a_friendship_runs_from_request_to_unfriend(owner, stranger, api_client_for):
    me, them = api_client_for(owner), api_client_for(stranger)

    sent = me.post("/api/friend-requests/", {"to": stranger.pk}, format="json")
    assert sent.status_code == 201
    assert sent.json()["person"]["id"] == stranger.pk
    waiting = them.get("/api/friend-requests/").json()
    assert [row["person"]["id"] for row in waiting["received"]] == [owner.pk]
    assert me.get("/api/friend-requests/").json()["sent"][0]["id"] == sent.json()["id"]
    inbox = them.get("/api/notifications/").json()
    assert inbox["unread_count"] == 1
    assert inbox["results"][0]["kind"] == "friend_request"

    accepted = them.post(f"/api/friend-requests/{sent.json()['id']}/accept/")
    assert accepted.json() == {"id": sent.json()["id"], "status": "accepted"}
    assert [f["id"] for f in me.get("/api/friends/").json()] == [stranger.pk]
    assert [f["id"] for f in them.get("/api/friends/").json()] == [owner.pk]

    family = Circle.objects.get(owner=owner, name="Family")
    put = me.put(f"/api/friends/{stranger.pk}/circles/", {"circles": [family.pk]}, format="json")
    assert put.json() == {"circles": [family.pk]}
    assert me.get("/api/friends/").json()[0]["circles"] == [family.pk]
    counts = {c["name"]: c["member_count"] for c in me.get("/api/circles/").json()}
    assert counts["Family"] == 1

    assert me.delete(f"/api/friends/{stranger.pk}/").status_code == 204
    assert me.get("/api/friends/").json() == []
    assert them.get("/api/friends/").json() == []
    assert not CircleMembership.objects.exists()
    assert_error(me.delete(f"/api/friends/{stranger.pk}/"), 404, "not_friends")


def test_a_request_can_be_declined_or_withdrawn(owner, stranger, api_client_for):
    other = PersonFactory.create(name="Olga Other")
    me = api_client_for(owner)
    to_stranger = me.post("/api/friend-requests/", {"to": stranger.pk}, format="json").json()
    to_other = me.post("/api/friend-requests/", {"to": other.pk}, format="json").json()

    declined = api_client_for(stranger).post(f"/api/friend-requests/{to_stranger['id']}/decline/")
    withdrawn = me.post(f"/api/friend-requests/{to_other['id']}/cancel/")

    assert declined.json()["status"] == "declined"
    assert withdrawn.json()["status"] == "cancelled"
    assert me.get("/api/friend-requests/").json() == {"received": [], "sent": []}
    assert not Friendship.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"to": "abc"}, 400, None),
        ({"to": None}, 400, None),
        ({}, 400, None),
        ({"to": [1]}, 400, None),
        ({"to": 987654321}, 404, "no_person"),
        ({"to": TOO_BIG}, 404, "no_person"),
    ],
)
def test_a_request_to_nobody_is_refused(owner, api_client_for, body, status, code):
    before = snapshot()
    response = api_client_for(owner).post("/api/friend-requests/", body, format="json")
    assert_error(response, status, code)
    assert snapshot() == before


def test_a_request_to_yourself_is_refused(owner, api_client_for):
    before = snapshot()
    response = api_client_for(owner).post("/api/friend-requests/", {"to": owner.pk}, format="json")
    assert_error(response, 400, "self", "yourself")
    assert snapshot() == before


def test_a_second_request_to_the_same_person_is_refused(owner, stranger, api_client_for):
    me = api_client_for(owner)
    me.post("/api/friend-requests/", {"to": stranger.pk}, format="json")
    before = snapshot()
    response = me.post("/api/friend-requests/", {"to": stranger.pk}, format="json")
    assert_error(response, 409, "duplicate", "already sent")
    assert snapshot() == before


def test_a_request_back_says_to_accept_theirs(owner, stranger, api_client_for):
    api_client_for(owner).post("/api/friend-requests/", {"to": stranger.pk}, format="json")
    before = snapshot()
    response = api_client_for(stranger).post(
        "/api/friend-requests/", {"to": owner.pk}, format="json"
    )
    assert_error(response, 409, "request_waiting", "accept their request")
    assert snapshot() == before


def test_a_request_to_a_friend_is_refused(graph, api_client_for):
    before = snapshot()
    response = api_client_for(graph["owner"]).post(
        "/api/friend-requests/", {"to": graph["friend_a"].pk}, format="json"
    )
    assert_error(response, 409, "already_friends")
    assert snapshot() == before


def test_a_request_to_someone_who_blocked_you_finds_nobody(graph, api_client_for):
    before = snapshot()
    response = api_client_for(graph["owner"]).post(
        "/api/friend-requests/", {"to": graph["blocked"].pk}, format="json"
    )
    # The same answer as for an id that does not exist: a block is never revealed.
    assert_error(response, 404, "no_person")
    assert snapshot() == before


def test_malformed_json_is_a_400_with_a_message(owner, stranger, api_client_for):
    before = snapshot()
    response = api_client_for(owner).post(
        "/api/friend-requests/", '{"to": ', content_type="application/json"
    )
    assert_error(response, 400, "parse_error", "JSON")
    assert snapshot() == before


def test_a_json_list_instead_of_an_object_is_a_400(owner, api_client_for):
    response = api_client_for(owner).post("/api/circles/", [1, 2], format="json")
    assert_error(response, 400)
    assert Circle.objects.filter(owner=owner).count() == 3


@pytest.mark.parametrize("action", ["accept", "decline", "cancel"])
def test_answering_a_request_that_is_not_yours_is_a_404(graph, api_client_for, action):
    request = FriendRequest.objects.create(from_user=graph["fof"], to_user=graph["friend_b"])
    before = snapshot()
    response = api_client_for(graph["stranger"]).post(
        f"/api/friend-requests/{request.pk}/{action}/"
    )
    assert_error(response, 404, "no_request")
    request.refresh_from_db()
    assert request.status == FriendRequest.Status.PENDING
    assert snapshot() == before


@pytest.mark.parametrize("request_id", ["987654321", str(TOO_BIG)])
def test_answering_a_request_that_does_not_exist_is_a_404(owner, api_client_for, request_id):
    response = api_client_for(owner).post(f"/api/friend-requests/{request_id}/accept/")
    assert_error(response, 404)


def test_a_string_id_in_the_path_is_a_404(owner, api_client_for):
    response = api_client_for(owner).post("/api/friend-requests/abc/accept/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"circles": "family"}, 400, None),
        ({"circles": ["abc"]}, 400, None),
        ({}, 400, None),
        ({"circles": [987654321]}, 400, "foreign_circle"),
        ({"circles": [TOO_BIG]}, 400, "invalid"),
    ],
)
def test_bad_circle_memberships_are_refused(graph, api_client_for, body, status, code):
    before = snapshot()
    response = api_client_for(graph["owner"]).put(
        f"/api/friends/{graph['friend_a'].pk}/circles/", body, format="json"
    )
    assert_error(response, status, code)
    assert snapshot() == before
    assert graph["circle_a"].memberships.filter(member=graph["friend_a"]).exists()


def test_a_friend_cannot_be_put_in_someone_elses_circle(graph, api_client_for):
    theirs = Circle.objects.filter(owner=graph["stranger"]).first()
    before = snapshot()
    response = api_client_for(graph["owner"]).put(
        f"/api/friends/{graph['friend_b'].pk}/circles/", {"circles": [theirs.pk]}, format="json"
    )
    assert_error(response, 400, "foreign_circle", "your own circles")
    assert snapshot() == before


def test_only_friends_can_be_put_in_circles(graph, api_client_for):
    before = snapshot()
    response = api_client_for(graph["owner"]).put(
        f"/api/friends/{graph['fof'].pk}/circles/",
        {"circles": [graph["family"].pk]},
        format="json",
    )
    assert_error(response, 400, "not_friends")
    assert snapshot() == before


def test_circles_are_created_listed_renamed_and_deleted(owner, api_client_for):
    me = api_client_for(owner)
    created = me.post("/api/circles/", {"name": "  Climbing  "}, format="json")
    assert created.status_code == 201
    circle = created.json()
    assert circle["name"] == "Climbing"
    assert circle["member_count"] == 0
    names = [c["name"] for c in me.get("/api/circles/").json()]
    assert names == ["Family", "Close friends", "Work", "Climbing"]

    renamed = me.patch(f"/api/circles/{circle['id']}/", {"name": "Bouldering"}, format="json")
    assert renamed.json()["name"] == "Bouldering"
    assert me.delete(f"/api/circles/{circle['id']}/").status_code == 204
    assert not Circle.objects.filter(pk=circle["id"]).exists()
    assert_error(me.delete(f"/api/circles/{circle['id']}/"), 404, "no_circle")


@pytest.mark.parametrize(
    ("name", "status", "code", "message"),
    [
        ("", 400, "empty_name", "Give the circle a name"),
        ("   ", 400, "empty_name", "Give the circle a name"),
        ("x" * 51, 400, "long_name", "50 characters"),
        ("family", 409, "duplicate_name", "already have a circle"),
        ("  WORK ", 409, "duplicate_name", "already have a circle"),
        (None, 400, None, ""),
        (["Family"], 400, None, ""),
    ],
)
def test_bad_circle_names_are_refused(owner, api_client_for, name, status, code, message):
    before = snapshot()
    response = api_client_for(owner).post("/api/circles/", {"name": name}, format="json")
    assert_error(response, status, code, message)
    assert snapshot() == before


def test_renaming_to_another_circles_name_is_refused(owner, api_client_for):
    work = Circle.objects.get(owner=owner, name="Work")
    response = api_client_for(owner).patch(
        f"/api/circles/{work.pk}/", {"name": "FAMILY"}, format="json"
    )
    assert_error(response, 409, "duplicate_name")
    work.refresh_from_db()
    assert work.name == "Work"


def test_someone_elses_circle_cannot_be_renamed_or_deleted(owner, stranger, api_client_for):
    theirs = Circle.objects.filter(owner=stranger).first()
    me = api_client_for(owner)
    assert_error(me.patch(f"/api/circles/{theirs.pk}/", {"name": "Mine"}, format="json"), 404)
    assert_error(me.delete(f"/api/circles/{theirs.pk}/"), 404, "no_circle")
    theirs.refresh_from_db()
    assert theirs.name == "Family"


# --- Blocks ---------------------------------------------------------------------------------


def test_blocks_are_created_listed_and_removed(graph, api_client_for):
    me = api_client_for(graph["owner"])
    friend = graph["friend_b"]

    created = me.post("/api/blocks/", {"user": friend.pk}, format="json")
    assert created.status_code == 201
    assert [p["id"] for p in me.get("/api/blocks/").json()] == [friend.pk]
    assert not Friendship.objects.filter(user=graph["owner"], friend=friend).exists()
    assert api_client_for(friend).get(f"/api/people/{graph['owner'].pk}/").status_code == 404

    assert me.delete(f"/api/blocks/{friend.pk}/").status_code == 204
    assert me.get("/api/blocks/").json() == []
    assert_error(me.delete(f"/api/blocks/{friend.pk}/"), 404, "not_blocked")
    # Unblocking restores nothing by itself.
    assert not Friendship.objects.filter(user=graph["owner"], friend=friend).exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"user": "abc"}, 400, None),
        ({}, 400, None),
        ({"user": 987654321}, 404, "no_person"),
        ({"user": TOO_BIG}, 404, "no_person"),
    ],
)
def test_bad_blocks_are_refused(owner, api_client_for, body, status, code):
    before = snapshot()
    assert_error(api_client_for(owner).post("/api/blocks/", body, format="json"), status, code)
    assert snapshot() == before


def test_blocking_yourself_is_refused(owner, api_client_for):
    before = snapshot()
    response = api_client_for(owner).post("/api/blocks/", {"user": owner.pk}, format="json")
    assert_error(response, 400, "self")
    assert snapshot() == before


def test_unblocking_nobody_is_a_404(owner, api_client_for):
    assert_error(api_client_for(owner).delete(f"/api/blocks/{TOO_BIG}/"), 404)


# --- Posts ----------------------------------------------------------------------------------


def test_a_post_is_written_read_moved_to_a_circle_and_deleted(graph, api_client_for):
    me = api_client_for(graph["owner"])
    created = me.post("/api/posts/", {"text": "Anyone selling a #gravel frame?"}, format="json")
    assert created.status_code == 201
    post = created.json()
    assert post["audience"] == "friends"
    assert post["tags"] == ["gravel"]
    assert post["photo"] is None
    url = f"/api/posts/{post['id']}/"
    assert api_client_for(graph["friend_b"]).get(url).json()["text"] == post["text"]

    moved = me.patch(url, {"audience": "circles", "circles": [graph["circle_a"].pk]}, format="json")
    assert moved.json()["audience"] == "circles"
    assert moved.json()["circles"] == [graph["circle_a"].pk]
    assert api_client_for(graph["friend_a"]).get(url).status_code == 200
    # Which circles a post went to is the author's business alone.
    assert api_client_for(graph["friend_a"]).get(url).json()["circles"] == []
    assert_error(api_client_for(graph["friend_b"]).get(url), 404, "no_post")

    assert me.delete(url).status_code == 204
    assert_error(me.get(url), 404)
    assert_error(me.delete(url), 404, "no_post")


def test_a_post_with_a_png_photo_is_accepted_and_stored(owner, api_client_for):
    response = api_client_for(owner).post(
        "/api/posts/",
        {"text": "My new bike", "audience": "public", "photo": png_upload()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["audience"] == "public"
    assert body["photo"].startswith("http://testserver/")
    post = Post.objects.get()
    assert post.photo.name.startswith("posts/")
    assert default_storage.exists(post.photo.name)


def test_multipart_posts_to_chosen_circles(graph, api_client_for):
    response = api_client_for(graph["owner"]).post(
        "/api/posts/",
        {"text": "Circle only", "audience": "circles", "circles": [graph["circle_a"].pk]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["circles"] == [graph["circle_a"].pk]


def test_a_photo_that_is_not_an_image_is_refused(owner, api_client_for):
    fake = SimpleUploadedFile("bike.png", b"not a picture at all", content_type="image/png")
    response = api_client_for(owner).post(
        "/api/posts/", {"text": "My new bike", "photo": fake}, format="multipart"
    )
    assert_error(response, 400, "bad_photo", "not a picture")
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"text": ""}, None, "text"),
        ({"text": "   "}, None, "text"),
        ({}, None, "text"),
        ({"text": "x" * 2001}, None, "2000"),
        ({"text": "hi", "audience": "everyone-ish"}, None, "audience"),
        ({"text": "hi", "audience": "circles"}, "no_circle", "at least one circle"),
        ({"text": "hi", "audience": "circles", "circles": ["abc"]}, None, "circles"),
        ({"text": "hi", "audience": "circles", "circles": [987654321]}, "foreign_circle", ""),
        ({"text": "hi", "audience": "circles", "circles": [TOO_BIG]}, "invalid", "An id is"),
        ({"text": "hi", "circles": [1]}, "circles_without_audience", "Chosen circles"),
    ],
)
def test_bad_posts_are_refused(owner, api_client_for, body, code, message):
    before = snapshot()
    response = api_client_for(owner).post("/api/posts/", body, format="json")
    assert_error(response, 400, code, message)
    assert snapshot() == before


def test_a_post_to_someone_elses_circle_is_refused(owner, stranger, api_client_for):
    theirs = Circle.objects.filter(owner=stranger).first()
    before = snapshot()
    response = api_client_for(owner).post(
        "/api/posts/",
        {"text": "hi", "audience": "circles", "circles": [theirs.pk]},
        format="json",
    )
    assert_error(response, 400, "foreign_circle", "your own circles")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"audience": "circles", "circles": "FOREIGN"}, 400, "foreign_circle"),
        ({"audience": "nobody"}, 400, None),
        ({"text": ""}, 400, None),
        ({"circles": ["x"]}, 400, None),
    ],
)
def test_bad_post_edits_change_nothing(owner, stranger, api_client_for, body, status, code):
    post = posts.post_create(author=owner, text="Keep me")
    if body.get("circles") == "FOREIGN":
        body = {**body, "circles": [Circle.objects.filter(owner=stranger).first().pk]}
    response = api_client_for(owner).patch(f"/api/posts/{post.pk}/", body, format="json")
    assert_error(response, status, code)
    post.refresh_from_db()
    assert (post.text, post.audience, post.circles.count()) == ("Keep me", "friends", 0)


def test_someone_elses_post_cannot_be_edited_or_deleted(graph, api_client_for):
    post = posts.post_create(author=graph["friend_a"], text="Mine")
    me = api_client_for(graph["owner"])
    assert_error(me.patch(f"/api/posts/{post.pk}/", {"text": "Yours"}, format="json"), 404)
    assert_error(me.delete(f"/api/posts/{post.pk}/"), 404, "no_post")
    post.refresh_from_db()
    assert post.text == "Mine"


def test_a_post_id_too_big_for_the_database_is_a_404(owner, api_client_for):
    me = api_client_for(owner)
    assert_error(me.get(f"/api/posts/{TOO_BIG}/"), 404)
    assert_error(me.patch(f"/api/posts/{TOO_BIG}/", {"text": "x"}, format="json"), 404)
    assert_error(me.get(f"/api/posts/{TOO_BIG}/comments/"), 404)
    assert_error(me.post(f"/api/posts/{TOO_BIG}/comments/", {"text": "x"}, format="json"), 404)


# --- Comments -------------------------------------------------------------------------------


def test_comments_are_written_listed_and_deleted(graph, api_client_for):
    owner, friend = graph["owner"], graph["friend_b"]
    post = posts.post_create(author=owner, text="Which lock?")
    url = f"/api/posts/{post.pk}/comments/"

    created = api_client_for(friend).post(url, {"text": "A D-lock"}, format="json")
    assert created.status_code == 201
    assert created.json()["author"]["id"] == friend.pk
    listed = api_client_for(owner).get(url).json()
    assert [c["text"] for c in listed] == ["A D-lock"]
    assert api_client_for(owner).get(f"/api/posts/{post.pk}/").json()["comment_count"] == 1
    assert Notification.objects.filter(recipient=owner, kind="comment").count() == 1

    # The post's author may delete comments on it.
    deleted = api_client_for(owner).delete(f"/api/comments/{created.json()['id']}/")
    assert deleted.status_code == 204
    assert api_client_for(owner).get(url).json() == []


def test_commenting_on_a_post_you_cannot_see_is_a_404(graph, api_client_for):
    post = posts.post_create(author=graph["owner"], text="Friends only")
    before = snapshot()
    for viewer in ("stranger", "fof", "blocked"):
        client = api_client_for(graph[viewer])
        response = client.post(f"/api/posts/{post.pk}/comments/", {"text": "hi"}, format="json")
        assert_error(response, 404, "no_post")
        assert_error(client.get(f"/api/posts/{post.pk}/comments/"), 404, "no_post")
    assert snapshot() == before


@pytest.mark.parametrize("body", [{"text": ""}, {}, {"text": "x" * 1001}, {"text": ["a"]}])
def test_bad_comments_are_refused(graph, api_client_for, body):
    post = posts.post_create(author=graph["owner"], text="Which lock?")
    before = snapshot()
    response = api_client_for(graph["friend_a"]).post(
        f"/api/posts/{post.pk}/comments/", body, format="json"
    )
    assert_error(response, 400)
    assert snapshot() == before


def test_someone_elses_comment_cannot_be_deleted(graph, api_client_for):
    post = posts.post_create(author=graph["owner"], text="Which lock?")
    comment = posts.comment_create(author=graph["friend_a"], post_id=post.pk, text="A D-lock")
    response = api_client_for(graph["friend_b"]).delete(f"/api/comments/{comment.pk}/")
    assert_error(response, 404, "no_comment")
    assert Comment.objects.filter(pk=comment.pk).exists()


# --- Feed -----------------------------------------------------------------------------------


def test_the_feed_pages_with_next_before(graph, api_client_for):
    written = [posts.post_create(author=graph["friend_a"], text=f"Post {n}").pk for n in range(25)]
    posts.post_create(author=graph["fof"], text="Not a friend of the owner")
    me = api_client_for(graph["owner"])

    first = me.get("/api/feed/").json()
    assert len(first["results"]) == 20
    assert first["next_before"] == first["results"][-1]["id"]
    second = me.get(f"/api/feed/?before={first['next_before']}").json()
    assert second["next_before"] is None
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert ids == sorted(written, reverse=True)


@pytest.mark.parametrize("cursor", ["abc", "-1", "987654321", str(TOO_BIG), ""])
def test_a_bad_feed_cursor_gives_the_first_page(graph, api_client_for, cursor):
    post = posts.post_create(author=graph["friend_a"], text="Hello")
    response = api_client_for(graph["owner"]).get(f"/api/feed/?before={cursor}")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [post.pk]


# --- Bulk audience --------------------------------------------------------------------------


def _post_on(author, day: dt.date, text: str) -> Post:
    post = posts.post_create(author=author, text=text)
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    Post.objects.filter(pk=post.pk).update(created_at=moment)
    return post


def test_bulk_audience_moves_only_posts_in_the_date_range(graph, api_client_for):
    owner = graph["owner"]
    old = _post_on(owner, dt.date(2024, 1, 10), "old")
    inside = _post_on(owner, dt.date(2024, 3, 1), "inside")
    edge = _post_on(owner, dt.date(2024, 3, 31), "edge")
    new = _post_on(owner, dt.date(2024, 5, 1), "new")

    response = api_client_for(owner).post(
        "/api/posts/audience/",
        {
            "audience": "circles",
            "circles": [graph["circle_a"].pk],
            "since": "2024-03-01",
            "until": "2024-03-31",
        },
        format="json",
    )

    assert response.json() == {"changed": 2}
    audiences = dict(Post.objects.values_list("pk", "audience"))
    assert audiences == {
        old.pk: "friends",
        inside.pk: "circles",
        edge.pk: "circles",
        new.pk: "friends",
    }
    assert list(inside.circles.all()) == [graph["circle_a"]]
    friend_b = api_client_for(graph["friend_b"])
    assert friend_b.get(f"/api/posts/{inside.pk}/").status_code == 404
    assert friend_b.get(f"/api/posts/{old.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"audience": "only_me", "since": "2024-04-01", "until": "2024-03-01"}, "bad_period"),
        ({"audience": "only_me", "since": "yesterday"}, None),
        ({"audience": "nobody"}, None),
        ({}, None),
        ({"audience": "circles"}, "no_circle"),
        ({"audience": "circles", "circles": "FOREIGN"}, "foreign_circle"),
    ],
)
def test_bad_bulk_audience_changes_nothing(owner, stranger, api_client_for, body, code):
    post = _post_on(owner, dt.date(2024, 3, 15), "keep")
    if body.get("circles") == "FOREIGN":
        body = {**body, "circles": [Circle.objects.filter(owner=stranger).first().pk]}
    response = api_client_for(owner).post("/api/posts/audience/", body, format="json")
    assert_error(response, 400, code)
    post.refresh_from_db()
    assert post.audience == "friends"


# --- Notifications --------------------------------------------------------------------------


def test_notifications_are_listed_counted_and_marked_read(owner, api_client_for):
    senders = [PersonFactory.create(name=f"Sender {n}") for n in range(3)]
    for sender in senders:
        api_client_for(sender).post("/api/friend-requests/", {"to": owner.pk}, format="json")
    other = Notification.objects.create(recipient=senders[0], kind="system", text="theirs")
    me = api_client_for(owner)

    listed = me.get("/api/notifications/").json()
    assert listed["unread_count"] == 3
    assert all(item["unread"] for item in listed["results"])
    first = listed["results"][0]["id"]

    marked = me.post("/api/notifications/read/", {"ids": [first, other.pk]}, format="json")
    assert marked.json() == {"marked": 1}
    other.refresh_from_db()
    assert other.read_at is None
    assert me.get("/api/notifications/").json()["unread_count"] == 2

    assert me.post("/api/notifications/read/", {}, format="json").json() == {"marked": 2}
    assert me.get("/api/notifications/").json()["unread_count"] == 0


@pytest.mark.parametrize("body", [{"ids": ["abc"]}, {"ids": "all"}, {"ids": None}])
def test_bad_notification_ids_are_refused(owner, api_client_for, body):
    Notification.objects.create(recipient=owner, kind="system", text="hello")
    response = api_client_for(owner).post("/api/notifications/read/", body, format="json")
    assert_error(response, 400, None, "ids")
    assert Notification.objects.get().read_at is None


def test_notification_ids_that_match_nothing_mark_nothing(owner, api_client_for):
    Notification.objects.create(recipient=owner, kind="system", text="hello")
    response = api_client_for(owner).post(
        "/api/notifications/read/", {"ids": [987654321]}, format="json"
    )
    assert response.json() == {"marked": 0}
    assert Notification.objects.get().read_at is None


def test_notification_ids_no_row_can_have_are_refused(owner, api_client_for):
    Notification.objects.create(recipient=owner, kind="system", text="hello")
    response = api_client_for(owner).post(
        "/api/notifications/read/", {"ids": [987654321, TOO_BIG]}, format="json"
    )
    assert_error(response, 400, "invalid", "An id is a whole number")
    assert Notification.objects.get().read_at is None


# --- Sharing settings -----------------------------------------------------------------------


def test_sharing_settings_are_read_and_changed(graph, api_client_for):
    me = api_client_for(graph["owner"])
    assert me.get("/api/settings/sharing/").json() == {
        "details_audience": "friends",
        "details_circles": [],
        "findable": True,
    }
    changed = me.patch(
        "/api/settings/sharing/",
        {"details_audience": "circles", "details_circles": [graph["circle_a"].pk]},
        format="json",
    )
    assert changed.json() == {
        "details_audience": "circles",
        "details_circles": [graph["circle_a"].pk],
        "findable": True,
    }
    profile = api_client_for(graph["friend_b"]).get(f"/api/people/{graph['owner'].pk}/").json()
    assert profile["details"] is None
    profile = api_client_for(graph["friend_a"]).get(f"/api/people/{graph['owner'].pk}/").json()
    assert profile["details"] is not None


def test_people_who_opt_out_of_search_are_not_found(owner, stranger, api_client_for):
    search = api_client_for(stranger)
    assert [p["id"] for p in search.get("/api/people/?q=olivia").json()] == [owner.pk]

    hidden = api_client_for(owner).patch(
        "/api/settings/sharing/", {"findable": False}, format="json"
    )
    assert hidden.json()["findable"] is False
    assert search.get("/api/people/?q=olivia").json() == []

    api_client_for(owner).patch("/api/settings/sharing/", {"findable": True}, format="json")
    assert [p["id"] for p in search.get("/api/people/?q=olivia").json()] == [owner.pk]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"details_audience": "nobody"}, None),
        ({"details_audience": "circles"}, "no_circle"),
        ({"details_audience": "circles", "details_circles": "FOREIGN"}, "foreign_circle"),
        ({"details_audience": "circles", "details_circles": [TOO_BIG]}, "invalid"),
        ({"findable": "perhaps"}, None),
    ],
)
def test_bad_sharing_settings_change_nothing(owner, stranger, api_client_for, body, code):
    if body.get("details_circles") == "FOREIGN":
        body = {**body, "details_circles": [Circle.objects.filter(owner=stranger).first().pk]}
    response = api_client_for(owner).patch("/api/settings/sharing/", body, format="json")
    assert_error(response, 400, code)
    current = SocialSettings.objects.get(user=owner)
    assert (current.details_audience, current.findable) == ("friends", True)
    assert not current.details_circles.exists()


def test_sharing_circles_alone_change_the_circles_of_the_current_audience(graph, api_client_for):
    me = api_client_for(graph["owner"])
    me.patch(
        "/api/settings/sharing/",
        {"details_audience": "circles", "details_circles": [graph["circle_a"].pk]},
        format="json",
    )
    changed = me.patch(
        "/api/settings/sharing/", {"details_circles": [graph["family"].pk]}, format="json"
    )
    assert changed.json()["details_circles"] == [graph["family"].pk]
    assert changed.json()["details_audience"] == "circles"


def test_sharing_circles_without_the_circles_audience_are_refused(graph, api_client_for):
    response = api_client_for(graph["owner"]).patch(
        "/api/settings/sharing/", {"details_circles": [graph["circle_a"].pk]}, format="json"
    )
    assert_error(response, 400, "circles_without_audience")
    assert not SocialSettings.objects.get(user=graph["owner"]).details_circles.exists()


@pytest.mark.parametrize("query", ["%00", "ol%00ivia", "%20%00%20"])
def test_people_search_refuses_nul_characters_with_a_sentence(stranger, api_client_for, query):
    response = api_client_for(stranger).get(f"/api/people/?q={query}")
    assert response.status_code == 400  # config/input.py, before any view
    assert "(NUL)" in response.json()["error"]["message"]


def test_people_search_leaves_out_blocked_people_and_yourself(graph, api_client_for):
    found = api_client_for(graph["owner"]).get("/api/people/?q=b").json()
    ids = {p["id"] for p in found}
    assert graph["blocked"].pk not in ids
    assert graph["owner"].pk not in ids
    by_friend = api_client_for(graph["owner"]).get("/api/people/?q=frank").json()
    assert by_friend == [
        {
            "id": graph["friend_b"].pk,
            "display_name": "Frank OutCircle",
            "avatar": None,
            "is_friend": True,
        }
    ]


# --- View as --------------------------------------------------------------------------------


@pytest.fixture
def audiences(graph):
    """One post of the owner's per audience, text = audience."""
    owner = graph["owner"]
    made = {}
    for audience in ("public", "members", "fof", "friends", "only_me"):
        made[audience] = posts.post_create(author=owner, text=audience, audience=audience)
    made["circles"] = posts.post_create(
        author=owner, text="circles", audience="circles", circle_ids=[graph["circle_a"].pk]
    )
    return made


EVERYONE = {"public", "members"}
FRIENDS = EVERYONE | {"fof", "friends"}


@pytest.mark.parametrize(
    ("query", "label", "texts", "details"),
    [
        ("as=anonymous", "visitor who is not signed in", {"public"}, False),
        ("as=member", "member", EVERYONE, False),
        ("as=fof", "friend of a friend", EVERYONE | {"fof"}, False),
        ("as=circle&circle=CIRCLE_A", "a friend in Circle A", FRIENDS | {"circles"}, True),
        ("as=circle&circle=FAMILY", "a friend in Family", FRIENDS, True),
        ("as=friend&person=FRIEND_A", "Fiona InCircle", FRIENDS | {"circles"}, True),
        ("as=friend&person=FRIEND_B", "Frank OutCircle", FRIENDS, True),
    ],
)
def test_view_as_shows_what_each_viewer_sees(
    graph, audiences, api_client_for, query, label, texts, details
):
    query = (
        query.replace("CIRCLE_A", str(graph["circle_a"].pk))
        .replace("FAMILY", str(graph["family"].pk))
        .replace("FRIEND_A", str(graph["friend_a"].pk))
        .replace("FRIEND_B", str(graph["friend_b"].pk))
    )
    response = api_client_for(graph["owner"]).get(f"/api/view-as/?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["label"] == label
    assert {post["text"] for post in body["posts"]} == texts
    # Profile details are shared with friends by default.
    assert body["show_details"] is details


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "bad_preview"),
        ("as=everyone", "bad_preview"),
        ("as=self", "bad_preview"),
        ("as=circle", "foreign_circle"),
        ("as=circle&circle=abc", "foreign_circle"),
        ("as=circle&circle=FOREIGN", "foreign_circle"),
        (f"as=circle&circle={TOO_BIG}", "foreign_circle"),
        ("as=friend", "not_friends"),
        ("as=friend&person=abc", "not_friends"),
        ("as=friend&person=FOF", "not_friends"),
        ("as=friend&person=BLOCKED", "not_friends"),
        (f"as=friend&person={TOO_BIG}", "not_friends"),
    ],
)
def test_view_as_refuses_bad_choices(graph, api_client_for, query, code):
    foreign = Circle.objects.filter(owner=graph["stranger"]).first()
    query = (
        query.replace("FOREIGN", str(foreign.pk))
        .replace("FOF", str(graph["fof"].pk))
        .replace("BLOCKED", str(graph["blocked"].pk))
    )
    response = api_client_for(graph["owner"]).get(f"/api/view-as/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) >= {"code", "message"}
    assert error["code"] == code
    assert error["message"]
