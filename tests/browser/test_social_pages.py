"""The social pages in the browser: htmx actions swap in place under the CSP, and every page of a
member's network renders in our layout without a browser error."""

from __future__ import annotations

import pytest

from social.services import friends, posts
from tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_accepting_a_friend_request_updates_the_list_in_place(
    page, owner, stranger, sign_in_browser, screenshot
):
    friends.friend_request_send(sender=stranger, recipient=owner)
    sign_in_browser(page, owner)
    page.goto("/friends/requests/")
    page.evaluate("window.notReloaded = true")
    screenshot(page, "social-friend-requests")

    page.get_by_role("button", name="Accept").click()
    page.get_by_text("No requests waiting for you.").wait_for()
    assert page.evaluate("window.notReloaded === true")
    assert friends.are_friends(owner, stranger)


def test_a_members_network_pages_render_in_our_layout(
    page, owner, stranger, sign_in_browser, screenshot
):
    request = friends.friend_request_send(sender=stranger, recipient=owner)
    friends.friend_request_accept(user=owner, request_id=request.pk)
    PersonFactory.create(name="Nina Neighbour")
    post = posts.post_create(
        author=stranger, text="Selling my old road bike soon — anyone keen on a 56 cm frame?"
    )
    posts.comment_create(author=owner, post_id=post.pk, text="Yes! Which brand is it?")
    posts.post_create(author=owner, text="Looking for a good kitchen scale. Tips welcome.")
    sign_in_browser(page, owner)

    for path, name in [
        ("/feed/", "feed"),
        ("/friends/", "friends"),
        (f"/people/{stranger.pk}/", "profile"),
        (f"/posts/{post.pk}/", "post"),
        ("/people/?q=Nina", "people"),
        ("/circles/", "circles"),
        ("/notifications/", "notifications"),
        ("/settings/sharing/", "sharing-settings"),
    ]:
        page.goto(path)
        assert page.locator("header.site-header nav[aria-label=Main]").count() == 1
        assert page.get_by_role("heading", level=1).count() >= 1 or name == "post"
        screenshot(page, f"social-{name}")
