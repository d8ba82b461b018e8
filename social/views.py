"""The social pages: people, friends, circles, blocks, the feed, posts, notifications.

Thin: each view reads through `social.selectors` and writes through `social.services`; a
`DomainError` from a service becomes a form error or a message, never a 500. Actions answer
htmx requests with the fragment they change, and plain requests with a redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from config.errors import DomainError, back_or, refusal_redirects, refusals_on
from social import selectors
from social.audience import Audience
from social.forms import (
    BulkAudienceForm,
    CircleForm,
    CommentForm,
    FriendCirclesForm,
    PostEditForm,
    PostForm,
    SocialSettingsForm,
)
from social.models import Post
from social.services import blocks, circles, friends, notifications, posts
from social.services.settings import social_settings_for, social_settings_update


def _back(request, default: str):
    """Redirect to the page the action came from, when it is one of ours."""
    return redirect(back_or(request, default))


def _back_to_profile(request, user_id) -> str:
    return back_or(request, reverse("social:profile", args=[user_id]))


def _relation_actions(request, person: User) -> HttpResponse:
    view = selectors.profile_view(request.user, person)
    return render(request, "social/_relation_actions.html", {"view": view})


def _relation_actions_of(request, user_id) -> HttpResponse:
    return _relation_actions(request, selectors.access_person(request.user, user_id))


def _person_action(request, user_id, action, success: str):
    """Run a friend action on a person; answer htmx with the refreshed buttons. Its views are
    decorated `@refusal_redirects(_back_to_profile, htmx=_relation_actions_of)`."""
    person = selectors.access_person(request.user, user_id)
    action(person)
    if request.htmx:
        return _relation_actions(request, person)
    messages.success(request, success.format(name=person.display_name))
    return _back(request, reverse("social:profile", args=[person.pk]))


# --- People ---------------------------------------------------------------------------------


@require_GET
def people(request):
    query = request.GET.get("q", "").strip()[:80]
    results = list(selectors.people_search(request.user, query)) if query else []
    return render(
        request,
        "social/people.html",
        {
            "query": query,
            "results": results,
            "suggestions": list(selectors.suggestions_for(request.user)),
        },
    )


@login_not_required
@require_GET
def profile(request, user_id: int):
    person = selectors.access_person(request.user, user_id)
    view = selectors.profile_view(request.user, person)
    return render(
        request,
        "social/profile.html",
        {
            "view": view,
            "posts": list(selectors.posts_by(request.user, person)[:20]),
            "interests": list(person.profile.interests.all()) if view.show_details else [],
        },
    )


@require_GET
@refusal_redirects("social:view_as")
def view_as(request):
    """The owner's profile and posts as someone else would see them."""
    me = request.user
    as_ = request.GET.get("as", "member")
    preview = selectors.preview_for(
        me, as_, circle_id=request.GET.get("circle"), person_id=request.GET.get("person")
    )
    return render(
        request,
        "social/view_as.html",
        {
            "preview": preview,
            "as": as_,
            "chosen_circle": request.GET.get("circle", ""),
            "chosen_person": request.GET.get("person", ""),
            "my_circles": list(selectors.circles_of(me)),
            "my_friends": list(selectors.friends_of(me)[:500]),
            "posts": list(preview.posts[:20]),
            "interests": list(me.profile.interests.all()),
        },
    )


# --- Friends and requests -------------------------------------------------------------------


@require_GET
def friend_list(request):
    my_circles = list(selectors.circles_of(request.user))
    rows = []
    for friend in selectors.friends_with_circles(request.user):
        in_circles = {m.circle_id for m in friend.owner_memberships}
        rows.append({"person": friend, "circles": in_circles})
    return render(request, "social/friends.html", {"rows": rows, "my_circles": my_circles})


@require_POST
@refusal_redirects("social:friends")  # htmx: the one-line alert goes in the row's status line
def friend_circles(request, user_id: int):
    person = selectors.access_person(request.user, user_id)
    form = FriendCirclesForm(request.POST, owner=request.user)
    if not form.is_valid():
        raise DomainError("Choose only among your own circles.")
    chosen = circles.circle_memberships_set(
        owner=request.user, friend=person, circle_ids=[c.pk for c in form.cleaned_data["circles"]]
    )
    if request.htmx:
        return HttpResponse(
            f'<span class="saved" role="status">Saved: {len(chosen)} circle(s)</span>'
        )
    messages.success(request, f"{person.display_name}'s circles are saved.")
    return redirect("social:friends")


@require_POST
@refusal_redirects(_back_to_profile, htmx=_relation_actions_of)
def unfriend(request, user_id: int):
    return _person_action(
        request,
        user_id,
        lambda person: friends.friendship_remove(user=request.user, friend=person),
        "You and {name} are no longer friends.",
    )


@require_GET
def friend_requests(request):
    received, sent = selectors.friend_requests_for(request.user)
    return render(
        request, "social/friend_requests.html", {"received": list(received), "sent": list(sent)}
    )


@require_POST
@refusal_redirects(_back_to_profile, htmx=_relation_actions_of)
def friend_request_send(request, user_id: int):
    return _person_action(
        request,
        user_id,
        lambda person: friends.friend_request_send(sender=request.user, recipient=person),
        "Friend request sent to {name}.",
    )


RESPONSES = {
    "accept": (friends.friend_request_accept, "You are now friends."),
    "decline": (friends.friend_request_decline, "Request declined."),
    "cancel": (friends.friend_request_cancel, "Request withdrawn."),
}


def _friend_request_lists(request, **_) -> HttpResponse:
    received, sent = selectors.friend_requests_for(request.user)
    return render(
        request,
        "social/_friend_request_lists.html",
        {"received": list(received), "sent": list(sent)},
    )


@require_POST
@refusal_redirects(
    lambda request, **_: back_or(request, reverse("social:friend_requests")),
    htmx=_friend_request_lists,
)
def friend_request_respond(request, request_id: int, action: str):
    if action not in RESPONSES:
        raise Http404("No such action.")
    service, success = RESPONSES[action]
    service(user=request.user, request_id=request_id)
    messages.success(request, success)
    if request.htmx:
        return _friend_request_lists(request)
    return _back(request, reverse("social:friend_requests"))


# --- Blocks ---------------------------------------------------------------------------------


@require_POST
@refusal_redirects(lambda request, user_id: reverse("social:profile", args=[user_id]))
def block(request, user_id: int):
    # Not `_person_action`: after a block the person is hidden, so we leave their page.
    person = selectors.access_person(request.user, user_id)
    blocks.block_create(blocker=request.user, blocked=person)
    messages.success(
        request, f"You blocked {person.display_name}. Neither of you will see the other."
    )
    return redirect("social:blocks")


@require_POST
@refusal_redirects("social:blocks")
def unblock(request, user_id: int):
    person = selectors.blocked_person(request.user, user_id)
    blocks.block_remove(blocker=request.user, blocked=person)
    messages.success(request, f"You unblocked {person.display_name}.")
    return redirect("social:blocks")


@require_GET
def block_list(request):
    return render(
        request, "social/blocks.html", {"blocked": list(selectors.blocked_by(request.user))}
    )


# --- Circles --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def circle_list(request):
    form = CircleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            circle = circles.circle_create(owner=request.user, name=form.cleaned_data["name"])
            messages.success(request, f"Circle “{circle.name}” created.")
            return redirect("social:circles")
    status = 400 if form.errors else 200
    return render(
        request,
        "social/circles.html",
        {"form": form, "circles": list(selectors.circles_of(request.user))},
        status=status,
    )


@require_POST
@refusal_redirects("social:circles")
def circle_rename(request, circle_id: int):
    form = CircleForm(request.POST)
    form.is_valid()
    circles.circle_rename(
        owner=request.user, circle_id=circle_id, name=form.cleaned_data.get("name", "")
    )
    messages.success(request, "Circle renamed.")
    return redirect("social:circles")


@require_POST
@refusal_redirects("social:circles")
def circle_delete(request, circle_id: int):
    circles.circle_delete(owner=request.user, circle_id=circle_id)
    messages.success(request, "Circle deleted. Posts shared only with it are now yours alone.")
    return redirect("social:circles")


# --- Feed and posts -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feed(request):
    form = PostForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            posts.post_create(
                author=request.user,
                text=form.cleaned_data["text"],
                audience=form.cleaned_data["audience"],
                circle_ids=form.circle_ids(),
                photo=form.cleaned_data.get("photo"),
            )
            messages.success(request, "Posted.")
            return redirect("social:feed")
    cursor = request.GET.get("before", "")
    before = Post.objects.filter(pk=cursor).first() if cursor.isdigit() else None
    page = selectors.feed_for(request.user, before=before)
    context = {
        "form": form,
        "posts": page,
        "next_before": page[-1].pk if len(page) == selectors.FEED_PAGE_SIZE else None,
    }
    if request.htmx and before is not None:
        return render(request, "social/_feed_page.html", context)
    return render(request, "social/feed.html", context, status=400 if form.errors else 200)


@login_not_required
@require_GET
def post_detail(request, post_id: int):
    post = selectors.access_post(request.user, post_id)
    return render(
        request,
        "social/post.html",
        {
            "post": post,
            "comments": list(selectors.comments_on(request.user, post)),
            "form": CommentForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def post_edit(request, post_id: int):
    post = Post.objects.filter(pk=post_id, author=request.user).first()
    if post is None:
        raise Http404("No such post of yours.")
    initial = {"text": post.text, "audience": post.audience, "circles": post.circles.all()}
    form = PostEditForm(request.POST or None, initial=initial, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            posts.post_update(
                author=request.user,
                post_id=post.pk,
                text=form.cleaned_data["text"],
                audience=form.cleaned_data["audience"],
                circle_ids=form.circle_ids(),
            )
            messages.success(request, "Post updated.")
            return redirect("social:post", post.pk)
    return render(
        request,
        "social/post_edit.html",
        {"form": form, "post": post},
        status=400 if form.errors else 200,
    )


@require_POST
@refusal_redirects("social:feed")
def post_delete(request, post_id: int):
    posts.post_delete(author=request.user, post_id=post_id)
    messages.success(request, "Post deleted.")
    return redirect("social:feed")


@require_POST
def comment_create(request, post_id: int):
    form = CommentForm(request.POST)
    post = selectors.access_post(request.user, post_id)
    if form.is_valid():
        with refusals_on(form):
            posts.comment_create(
                author=request.user, post_id=post.pk, text=form.cleaned_data["text"]
            )
            return redirect(reverse("social:post", args=[post.pk]) + "#comments")
    return render(
        request,
        "social/post.html",
        {"post": post, "comments": list(selectors.comments_on(request.user, post)), "form": form},
        status=400,
    )


@require_POST
@refusal_redirects(lambda request, comment_id: back_or(request, reverse("social:feed")))
def comment_delete(request, comment_id: int):
    posts.comment_delete(user=request.user, comment_id=comment_id)
    messages.success(request, "Comment deleted.")
    return _back(request, reverse("social:feed"))


@require_http_methods(["GET", "POST"])
def posts_audience(request):
    form = BulkAudienceForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            changed = posts.posts_change_audience(
                author=request.user,
                audience=form.cleaned_data["audience"],
                circle_ids=form.circle_ids(),
                since=form.cleaned_data.get("since"),
                until=form.cleaned_data.get("until"),
            )
            label = Audience(form.cleaned_data["audience"]).label
            messages.success(request, f"{changed} post(s) now shared with: {label}.")
            return redirect("social:posts_audience")
    return render(
        request, "social/posts_audience.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Settings and notifications -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def settings_page(request):
    current = social_settings_for(request.user)
    initial = {
        "audience": current.details_audience,
        "circles": current.details_circles.all(),
        "findable": current.findable,
    }
    form = SocialSettingsForm(request.POST or None, initial=initial, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            social_settings_update(
                user=request.user,
                details_audience=form.cleaned_data["audience"],
                details_circle_ids=form.circle_ids(),
                findable=form.cleaned_data["findable"],
            )
            messages.success(request, "Your sharing settings are saved.")
            return redirect("social:settings")
    return render(
        request, "social/settings.html", {"form": form}, status=400 if form.errors else 200
    )


@require_GET
def notification_list(request):
    """The latest notices; opening the page reads them, so the badge clears (those that were
    new until now stay marked "new" on this page)."""
    items = list(selectors.notifications_for(request.user)[:50])
    if any(item.is_unread for item in items):
        notifications.notifications_mark_read(user=request.user)
    return render(request, "social/notifications.html", {"notifications": items})


@require_POST
def notifications_read(request):
    notifications.notifications_mark_read(user=request.user)
    if request.htmx:
        return HttpResponse('<span class="badge" hidden></span>')
    return redirect("social:notifications")
