"""The social pages: what each shows, form errors on the page, and the htmx fragments.

Who may open which page is the access matrix's business (tests/access/); here we check content
and behaviour for people who may.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from social.models import Circle, CircleMembership, Comment, FriendRequest, Friendship, Post
from social.services import friends, posts
from social.services.notifications import notify
from social.services.settings import social_settings_update
from tests.factories import PersonFactory, befriend

HTMX = {"HTTP_HX_REQUEST": "true"}
TOO_BIG = 10**20


def html(response) -> str:
    return response.content.decode()


def assert_fragment(response) -> str:
    assert response.status_code == 200, response.content
    body = html(response)
    assert "<html" not in body
    assert "<body" not in body
    return body


# --- Feed and posts -------------------------------------------------------------------------


def test_the_feed_shows_my_posts_and_my_friends_posts_only(graph, client_for):
    posts.post_create(author=graph["owner"], text="Mine: anyone know a bike shop?")
    posts.post_create(author=graph["friend_a"], text="From Fiona")
    posts.post_create(author=graph["friend_b"], text="From Frank")
    posts.post_create(author=graph["fof"], text="From Fred", audience="public")
    posts.post_create(author=graph["stranger"], text="From Sam", audience="public")

    page = html(client_for(graph["owner"]).get("/feed/"))

    for text in ("Mine: anyone know a bike shop?", "From Fiona", "From Frank"):
        assert text in page
    assert "From Fred" not in page
    assert "From Sam" not in page


def test_an_empty_feed_says_what_to_do_next(owner, client_for):
    page = html(client_for(owner).get("/feed/"))
    assert "Your feed is quiet" in page
    assert "Find people you know" in page


def test_the_feed_pages_older_posts_as_an_htmx_fragment(graph, client_for):
    made = [posts.post_create(author=graph["friend_a"], text=f"Post number {n}") for n in range(25)]
    client = client_for(graph["owner"])
    first = html(client.get("/feed/"))
    assert "Post number 24" in first
    assert "Post number 4" not in first
    assert f"?before={made[5].pk}" in first

    older = assert_fragment(client.get(f"/feed/?before={made[5].pk}", **HTMX))
    assert "Post number 4" in older
    assert "Post number 0" in older
    assert "Post number 5" not in older
    assert "Older posts" not in older


def test_a_post_written_on_the_feed_is_saved(graph, client_for):
    response = client_for(graph["owner"]).post(
        "/feed/",
        {"text": "Circle news", "audience": "circles", "circles": [graph["circle_a"].pk]},
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.text, post.audience) == ("Circle news", "circles")
    assert list(post.circles.all()) == [graph["circle_a"]]


def test_a_post_with_a_photo_is_saved_from_the_feed(owner, client_for):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 120, 0)).save(out, format="PNG")
    photo = SimpleUploadedFile("leaf.png", out.getvalue(), content_type="image/png")
    response = client_for(owner).post(
        "/feed/", {"text": "Look", "audience": "friends", "photo": photo}
    )
    assert response.status_code == 302
    assert Post.objects.get().photo.name.startswith("posts/")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": "", "audience": "friends"}, "This field is required."),
        ({"text": "   ", "audience": "friends"}, "This field is required."),
        ({"text": "x" * 2001, "audience": "friends"}, "at most 2000 characters"),
        ({"text": "hi", "audience": "everyone-ish"}, "Select a valid choice"),
        ({"text": "hi", "audience": "circles"}, "Choose at least one circle."),
        ({"text": "hi", "audience": "friends", "circles": ["abc"]}, "not a valid value"),
        ({"text": "hi", "audience": "circles", "circles": [str(TOO_BIG)]}, "Select a valid"),
    ],
)
def test_bad_posts_show_the_error_on_the_feed(owner, client_for, data, message):
    response = client_for(owner).post("/feed/", data)
    assert response.status_code == 400
    assert message in html(response)
    assert not Post.objects.exists()


def test_a_post_to_someone_elses_circle_shows_an_error(owner, stranger, client_for):
    # The form offers only the owner's circles, so the id is posted directly.
    theirs = Circle.objects.filter(owner=stranger).first()
    response = client_for(owner).post(
        "/feed/", {"text": "hi", "audience": "circles", "circles": [theirs.pk]}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in html(response)
    assert f'value="{theirs.pk}"' not in html(response)
    assert not Post.objects.exists()


def test_a_photo_that_is_not_an_image_shows_an_error_on_the_feed(owner, client_for):
    fake = SimpleUploadedFile("leaf.png", b"hello", content_type="image/png")
    response = client_for(owner).post(
        "/feed/", {"text": "Look", "audience": "friends", "photo": fake}
    )
    assert response.status_code == 400
    assert "not a picture we can read" in html(response)
    assert not Post.objects.exists()


def test_a_post_page_shows_the_post_and_its_comments(graph, client_for):
    post = posts.post_create(author=graph["owner"], text="Which lock?")
    posts.comment_create(author=graph["friend_a"], post_id=post.pk, text="A D-lock")
    page = html(client_for(graph["friend_b"]).get(f"/posts/{post.pk}/"))
    assert "Which lock?" in page
    assert "A D-lock" in page
    assert "1 comment" in page


def test_commenting_on_a_post_you_cannot_see_is_a_404(graph, client_for):
    post = posts.post_create(author=graph["owner"], text="Friends only")
    response = client_for(graph["fof"]).post(f"/posts/{post.pk}/comments/", {"text": "hi"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_an_empty_comment_shows_an_error_on_the_post_page(graph, client_for):
    post = posts.post_create(author=graph["owner"], text="Which lock?")
    response = client_for(graph["friend_a"]).post(f"/posts/{post.pk}/comments/", {"text": ""})
    assert response.status_code == 400
    assert "This field is required." in html(response)
    assert "Which lock?" in html(response)
    assert not Comment.objects.exists()


def test_a_comment_is_added_from_the_post_page(graph, client_for):
    post = posts.post_create(author=graph["owner"], text="Which lock?")
    response = client_for(graph["friend_a"]).post(
        f"/posts/{post.pk}/comments/", {"text": "A D-lock"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/#comments"
    assert Comment.objects.get().text == "A D-lock"


def test_editing_a_post_to_someone_elses_circle_shows_an_error(owner, stranger, client_for):
    post = posts.post_create(author=owner, text="Keep me")
    theirs = Circle.objects.filter(owner=stranger).first()
    response = client_for(owner).post(
        f"/posts/{post.pk}/edit/",
        {"text": "Changed", "audience": "circles", "circles": [theirs.pk]},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in html(response)
    post.refresh_from_db()
    assert (post.text, post.audience) == ("Keep me", "friends")


def test_a_bulk_audience_change_with_a_backwards_period_shows_an_error(owner, client_for):
    post = posts.post_create(author=owner, text="Keep me")
    response = client_for(owner).post(
        "/posts/audience/",
        {"audience": "only_me", "since": "2024-04-01", "until": "2024-03-01"},
    )
    assert response.status_code == 400
    assert "The start of the period is after its end." in html(response)
    post.refresh_from_db()
    assert post.audience == "friends"


def test_a_bulk_audience_change_moves_all_posts(owner, client_for):
    posts.post_create(author=owner, text="One")
    posts.post_create(author=owner, text="Two")
    response = client_for(owner).post("/posts/audience/", {"audience": "only_me"}, follow=True)
    assert "2 post(s) now shared with: Only me." in html(response)
    assert set(Post.objects.values_list("audience", flat=True)) == {"only_me"}


# --- Profiles and people --------------------------------------------------------------------


def test_a_friends_profile_shows_the_first_degree_badge(graph, client_for):
    page = html(client_for(graph["owner"]).get(f"/people/{graph['friend_b'].pk}/"))
    assert "Frank OutCircle" in page
    assert 'title="You are friends">1st</span>' in page
    assert "Unfriend" in page


def test_a_friend_of_a_friends_profile_shows_second_degree_and_mutual_friends(graph, client_for):
    befriend(graph["friend_b"], graph["fof"])
    page = html(client_for(graph["owner"]).get(f"/people/{graph['fof'].pk}/"))
    assert "Fred FriendOfFriend" in page
    assert ">2nd</span>" in page
    assert "2 mutual friends" in page
    assert "Add friend" in page


def test_a_strangers_profile_shows_no_badge_and_no_mutual_friends(graph, client_for):
    page = html(client_for(graph["owner"]).get(f"/people/{graph['stranger'].pk}/"))
    assert "Sam Stranger" in page
    assert ">1st</span>" not in page
    assert ">2nd</span>" not in page
    assert "mutual friend" not in page


def test_a_profile_shows_only_the_posts_the_viewer_may_see(graph, client_for):
    posts.post_create(author=graph["owner"], text="For friends")
    posts.post_create(author=graph["owner"], text="For everyone", audience="public")
    as_stranger = html(client_for(graph["stranger"]).get(f"/people/{graph['owner'].pk}/"))
    assert "For everyone" in as_stranger
    assert "For friends" not in as_stranger
    as_friend = html(client_for(graph["friend_b"]).get(f"/people/{graph['owner'].pk}/"))
    assert "For friends" in as_friend


@pytest.mark.parametrize("user_id", ["987654321", str(TOO_BIG)])
def test_a_profile_that_does_not_exist_is_a_404(owner, client_for, user_id):
    assert client_for(owner).get(f"/people/{user_id}/").status_code == 404


def test_people_search_finds_by_name_with_friends_first(graph, client_for):
    PersonFactory.create(name="Frida Faraway")
    page = html(client_for(graph["owner"]).get("/people/?q=fr"))
    assert "Frank OutCircle" in page
    assert "Fred FriendOfFriend" in page
    assert "Frida Faraway" in page
    assert page.index("Frank OutCircle") < page.index("Frida Faraway")


def test_people_search_leaves_out_those_who_opted_out(graph, client_for):
    social_settings_update(user=graph["stranger"], findable=False)
    page = html(client_for(graph["owner"]).get("/people/?q=sam"))
    assert "Sam Stranger" not in page
    assert "Nobody by that name" in page


def test_people_search_leaves_out_blocked_people_either_way(graph, client_for):
    page = html(client_for(graph["owner"]).get("/people/?q=bella"))
    assert "Bella Blocked" not in page
    page = html(client_for(graph["blocked"]).get("/people/?q=olivia"))
    assert "Olivia Owner" not in page


@pytest.mark.parametrize("query", ["%00", "ol%00ivia"])
def test_people_search_refuses_nul_characters_with_a_sentence(stranger, client_for, query):
    response = client_for(stranger).get(f"/people/?q={query}")
    assert response.status_code == 400  # config/input.py, before any view
    assert "(NUL)" in html(response)


def test_suggestions_show_friends_of_friends_with_mutual_counts(graph, client_for):
    befriend(graph["friend_b"], graph["fof"])
    page = html(client_for(graph["owner"]).get("/people/"))
    suggestions = page[page.index("People you may know") :]
    assert "Fred FriendOfFriend" in suggestions
    assert "2 mutual friends" in suggestions
    assert "Sam Stranger" not in suggestions
    assert "Frank OutCircle" not in suggestions


# --- Friends, requests, circles -------------------------------------------------------------


def test_the_friends_page_lists_friends_with_their_circles(graph, client_for):
    page = html(client_for(graph["owner"]).get("/friends/"))
    assert 'Friends <span class="muted">(2)</span>' in page
    assert "Fiona InCircle" in page
    assert "Frank OutCircle" in page
    assert "Bella Blocked" not in page
    circle_a = graph["circle_a"].pk
    assert f'value="{circle_a}" checked' in page
    assert page.count(f'value="{circle_a}"') == 2
    for name in ("Family", "Close friends", "Work", "Circle A"):
        assert f"<span>{name}</span>" in page


def test_the_requests_page_shows_received_and_sent(owner, stranger, client_for):
    other = PersonFactory.create(name="Olga Other")
    friends.friend_request_send(sender=stranger, recipient=owner)
    friends.friend_request_send(sender=owner, recipient=other)
    page = html(client_for(owner).get("/friends/requests/"))
    received = page[page.index("Received") : page.index("Sent")]
    sent = page[page.index("Sent") :]
    assert "Sam Stranger" in received
    assert "Accept" in received
    assert "Olga Other" in sent
    assert "Withdraw" in sent


def test_sending_a_request_with_htmx_returns_the_actions_fragment(owner, stranger, client_for):
    response = client_for(owner).post(f"/people/{stranger.pk}/friend-request/", **HTMX)
    body = assert_fragment(response)
    assert 'id="relation-actions"' in body
    assert "Request sent" in body
    assert FriendRequest.objects.filter(from_user=owner, to_user=stranger).exists()


def test_a_refused_request_with_htmx_says_why_in_a_trigger(graph, client_for):
    response = client_for(graph["owner"]).post(
        f"/people/{graph['friend_a'].pk}/friend-request/", **HTMX
    )
    body = assert_fragment(response)
    assert "Unfriend" in body
    assert "already friends" in response["HX-Trigger"]
    assert not FriendRequest.objects.filter(status="pending").exists()


def test_sending_a_request_without_htmx_redirects_with_a_message(owner, stranger, client_for):
    response = client_for(owner).post(f"/people/{stranger.pk}/friend-request/", follow=True)
    assert "Friend request sent to Sam Stranger." in html(response)


def test_a_request_to_yourself_shows_an_error(owner, client_for):
    response = client_for(owner).post(f"/people/{owner.pk}/friend-request/", follow=True)
    assert "You can&#x27;t send a friend request to yourself." in html(response)
    assert not FriendRequest.objects.exists()


def test_a_request_to_someone_who_blocked_you_is_a_404(graph, client_for):
    response = client_for(graph["owner"]).post(f"/people/{graph['blocked'].pk}/friend-request/")
    assert response.status_code == 404
    assert not FriendRequest.objects.filter(status="pending").exists()


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_answering_a_request_with_htmx_returns_the_lists_fragment(
    owner, stranger, client_for, action
):
    request = friends.friend_request_send(sender=stranger, recipient=owner)
    response = client_for(owner).post(f"/friends/requests/{request.pk}/{action}/", **HTMX)
    body = assert_fragment(response)
    assert 'id="request-lists"' in body
    assert "Sam Stranger" not in body
    assert "No requests waiting for you." in body
    assert Friendship.objects.filter(user=owner, friend=stranger).exists() is (action == "accept")


def test_answering_a_request_that_is_not_yours_changes_nothing(graph, client_for):
    request = friends.friend_request_send(sender=graph["fof"], recipient=graph["friend_b"])
    response = client_for(graph["owner"]).post(
        f"/friends/requests/{request.pk}/accept/", follow=True
    )
    assert "This friend request is no longer waiting." in html(response)
    request.refresh_from_db()
    assert request.status == "pending"


def test_an_unknown_request_action_is_a_404(owner, stranger, client_for):
    request = friends.friend_request_send(sender=stranger, recipient=owner)
    response = client_for(owner).post(f"/friends/requests/{request.pk}/approve/")
    assert response.status_code == 404


def test_setting_circles_with_htmx_returns_a_saved_fragment(graph, client_for):
    family = graph["family"].pk
    response = client_for(graph["owner"]).post(
        f"/people/{graph['friend_b'].pk}/circles/",
        {"circles": [family, graph["circle_a"].pk]},
        **HTMX,
    )
    body = assert_fragment(response)
    assert "Saved: 2 circle(s)" in body
    assert set(
        CircleMembership.objects.filter(member=graph["friend_b"]).values_list("circle", flat=True)
    ) == {family, graph["circle_a"].pk}


def test_setting_someone_elses_circle_with_htmx_says_why(graph, client_for):
    theirs = Circle.objects.filter(owner=graph["stranger"]).first()
    response = client_for(graph["owner"]).post(
        f"/people/{graph['friend_a'].pk}/circles/", {"circles": [theirs.pk]}, **HTMX
    )
    body = assert_fragment(response)
    assert "Choose only among your own circles." in body
    assert list(
        CircleMembership.objects.filter(member=graph["friend_a"]).values_list("circle", flat=True)
    ) == [graph["circle_a"].pk]


def test_setting_circles_of_someone_who_is_not_a_friend_says_why(graph, client_for):
    response = client_for(graph["owner"]).post(
        f"/people/{graph['fof'].pk}/circles/", {"circles": [graph["family"].pk]}, follow=True
    )
    assert "Only friends can be put in circles." in html(response)
    assert not CircleMembership.objects.filter(member=graph["fof"]).exists()


def test_the_circles_page_lists_circles_with_member_counts(graph, client_for):
    page = html(client_for(graph["owner"]).get("/circles/"))
    assert '<strong>Circle A</strong> <span class="muted">1 friend</span>' in page
    assert '<strong>Family</strong> <span class="muted">0 friends</span>' in page


def test_a_circle_is_created_from_the_circles_page(owner, client_for):
    response = client_for(owner).post("/circles/", {"name": "Climbing"}, follow=True)
    assert "Circle “Climbing” created." in html(response)
    assert Circle.objects.filter(owner=owner, name="Climbing").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the circle a name."),
        ("   ", "Give the circle a name."),
        ("x" * 51, "Keep the name to 50 characters."),
        ("FAMILY", "You already have a circle called “FAMILY”."),
    ],
)
def test_bad_circle_names_show_the_error_on_the_page(owner, client_for, name, message):
    response = client_for(owner).post("/circles/", {"name": name})
    assert response.status_code == 400
    assert message in html(response)
    assert Circle.objects.filter(owner=owner).count() == 3


def test_renaming_a_circle_to_a_taken_name_says_why(owner, client_for):
    work = Circle.objects.get(owner=owner, name="Work")
    response = client_for(owner).post(
        f"/circles/{work.pk}/rename/", {"name": "family"}, follow=True
    )
    assert "You already have a circle called “family”." in html(response)
    work.refresh_from_db()
    assert work.name == "Work"


# --- View as --------------------------------------------------------------------------------


@pytest.fixture
def audiences(graph):
    owner = graph["owner"]
    for audience in ("public", "members", "fof", "friends", "only_me"):
        posts.post_create(author=owner, text=f"Audience {audience}", audience=audience)
    posts.post_create(
        author=owner,
        text="Audience circles",
        audience="circles",
        circle_ids=[graph["circle_a"].pk],
    )


@pytest.mark.parametrize(
    ("query", "heading", "visible"),
    [
        ("", "What member sees", {"public", "members"}),
        ("?as=anonymous", "What visitor who is not signed in sees", {"public"}),
        ("?as=member", "What member sees", {"public", "members"}),
        ("?as=fof", "What friend of a friend sees", {"public", "members", "fof"}),
        (
            "?as=circle&circle=CIRCLE_A",
            "What a friend in Circle A sees",
            {"public", "members", "fof", "friends", "circles"},
        ),
        (
            "?as=friend&person=FRIEND_B",
            "What Frank OutCircle sees",
            {"public", "members", "fof", "friends"},
        ),
    ],
)
def test_the_view_as_page_shows_what_each_viewer_sees(
    graph, audiences, client_for, query, heading, visible
):
    query = query.replace("CIRCLE_A", str(graph["circle_a"].pk)).replace(
        "FRIEND_B", str(graph["friend_b"].pk)
    )
    response = client_for(graph["owner"]).get(f"/view-as/{query}")
    assert response.status_code == 200
    page = html(response)
    assert heading in page
    assert f"{len(visible)} post{'s' if len(visible) > 1 else ''} visible" in page
    for audience in ("public", "members", "fof", "friends", "circles", "only_me"):
        assert (f"Audience {audience}<" in page) is (audience in visible), audience


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?as=everyone", "Preview as one of"),
        ("?as=circle&circle=FOREIGN", "Choose one of your circles."),
        ("?as=circle&circle=abc", "Choose one of your circles."),
        ("?as=friend&person=FOF", "Choose one of your friends."),
        ("?as=friend", "Choose one of your friends."),
    ],
)
def test_the_view_as_page_explains_bad_choices(graph, client_for, query, message):
    foreign = Circle.objects.filter(owner=graph["stranger"]).first()
    query = query.replace("FOREIGN", str(foreign.pk)).replace("FOF", str(graph["fof"].pk))
    response = client_for(graph["owner"]).get(f"/view-as/{query}", follow=True)
    assert response.redirect_chain == [("/view-as/", 302)]
    assert message in html(response)


# --- Notifications and settings -------------------------------------------------------------


def test_opening_the_notifications_shows_the_new_ones_and_clears_the_badge(
    owner, stranger, client_for
):
    friends.friend_request_send(sender=stranger, recipient=owner)
    notify(recipient=owner, kind="system", text="Welcome to Bazaar")
    client = client_for(owner)
    assert client.get("/").context["unread_notifications"] == 2
    response = client.get("/notifications/")
    page = html(response)
    assert "Sam Stranger sent you a friend request." in page
    assert "Welcome to Bazaar" in page
    assert page.count("<strong>new</strong>") == 2
    assert "just now" in page
    assert response.context["unread_notifications"] == 0
    assert "<strong>new</strong>" not in html(client.get("/notifications/"))


def test_marking_notifications_read_clears_the_unread_count(owner, stranger, client_for):
    friends.friend_request_send(sender=stranger, recipient=owner)
    client = client_for(owner)
    response = client.post("/notifications/read/", follow=True)
    assert "<strong>new</strong>" not in html(response)
    assert response.context["unread_notifications"] == 0


def test_marking_notifications_read_with_htmx_hides_the_badge(owner, stranger, client_for):
    friends.friend_request_send(sender=stranger, recipient=owner)
    body = assert_fragment(client_for(owner).post("/notifications/read/", **HTMX))
    assert "hidden" in body
    assert not owner.notifications.filter(read_at__isnull=True).exists()


def test_turning_off_findability_on_the_settings_page_hides_from_search(
    owner, stranger, client_for
):
    client_for(owner).post("/settings/sharing/", {"audience": "friends"})
    page = html(client_for(stranger).get("/people/?q=olivia"))
    assert "Olivia Owner" not in page


def test_a_foreign_circle_on_the_settings_page_shows_an_error(owner, stranger, client_for):
    theirs = Circle.objects.filter(owner=stranger).first()
    response = client_for(owner).post(
        "/settings/sharing/", {"audience": "circles", "circles": [theirs.pk], "findable": "on"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in html(response)
    assert owner.social_settings.details_audience == "friends"


def test_unblocking_someone_you_have_not_blocked_says_so(owner, stranger, client_for):
    client = client_for(owner)
    response = client.post(f"/people/{stranger.pk}/unblock/", follow=True)
    assert "You have not blocked this person." in html(response)


# --- Ids that do not exist ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/people/{id}/unblock/", 302),
        ("/people/{id}/unfriend/", 404),
        ("/people/{id}/block/", 404),
        ("/people/{id}/friend-request/", 404),
        ("/people/{id}/circles/", 404),
        ("/circles/{id}/rename/", 302),
        ("/circles/{id}/delete/", 302),
        ("/posts/{id}/edit/", 404),
        ("/posts/{id}/delete/", 302),
        ("/posts/{id}/comments/", 404),
        ("/comments/{id}/delete/", 302),
        ("/friends/requests/{id}/accept/", 302),
    ],
)
@pytest.mark.parametrize("missing", ["987654321", str(TOO_BIG)])
def test_actions_on_ids_that_do_not_exist_change_nothing(graph, client_for, url, status, missing):
    before = {
        model.__name__: model.objects.count()
        for model in (Circle, CircleMembership, Comment, FriendRequest, Friendship, Post)
    }
    response = client_for(graph["owner"]).post(url.format(id=missing), {"name": "x", "text": "y"})
    assert response.status_code == status
    after = {
        model.__name__: model.objects.count()
        for model in (Circle, CircleMembership, Comment, FriendRequest, Friendship, Post)
    }
    assert after == before
