"""The access matrix's engine: the cast, the notation rows are written in, the inventory of routes
and the runner that requests every row as every viewer. The rows themselves live in the row files
beside it, listed in `tests/access/rows.py`.

How to add a route
------------------
1. Add a `Row` to the row file of its feature (a new feature gets a new row file, listed in
   `tests/access/rows.py`), next to its neighbours: `page(...)` for an HTML URL pattern, `api(...)`
   for one OpenAPI operation. `route` is the pattern exactly as Django lists it
   (`"people/<int:user_id>/"`), or for the API `"METHOD /api/path/{param}/"` exactly as the
   OpenAPI schema lists it. A route may have several rows (give each a `label`); it needs at least
   one, or the suite fails.
2. `url` builds the concrete address from the cast `c` (see `build_cast`: the people of
   `tests.cast.graph`, plus the owner's posts, a comment, a pending friend request).
3. `expect` is the status per viewer, written `per(default, viewer=status, ...)`. `LOGIN` means a
   redirect to the sign-in page. Viewers are `VIEWERS`.
4. `shows` names which texts of the cast (`MARKERS`) each viewer must find in the body, written
   `sees(viewer="key key", ...)`; every other marker must be absent. A row without `shows` may
   show none of them, so a page that starts showing posts fails until its row says who sees what.
5. Writes: give `body` (form data for pages, JSON for the API) and `state`, a function of the cast
   that reads what the action may change. Viewers named in `changes` must change it; everyone
   else must leave it exactly as it was. Each viewer's request runs in a savepoint that is rolled
   back, so every viewer starts from the same cast.

Routes of Django's admin and of allauth are covered by a few representative rows and by the
`THIRD_PARTY` prefixes (`tests/access/rows.py`); a prefix covers only views whose code lives in
the listed packages, so a first-party view mounted under `admin/` or `accounts/` still needs its
own row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from social.audience import Audience
from social.services import friends, posts
from social.services.settings import social_settings_update
from tests.factories import comment

# --- The cast --------------------------------------------------------------------------------

VIEWERS = ("anonymous", "stranger", "fof", "friend_a", "friend_b", "owner", "blocked", "moderator")

# Texts planted in the cast; each is unique, so finding it in a body means that item leaked there.
MARKERS = {
    "public": "OWNER_PUBLIC_POST",
    "members": "OWNER_MEMBERS_POST",
    "fof": "OWNER_FOF_POST",
    "friends": "OWNER_FRIENDS_POST",
    "circle_a": "OWNER_CIRCLE_A_POST",
    "only_me": "OWNER_ONLY_ME_POST",
    "bio": "OWNER_BIO_TEXT",  # shown to the owner's Circle A only (their details audience)
    "a_friends": "FRIEND_A_FRIENDS_POST",
    "b_public": "BLOCKED_PUBLIC_POST",
    "comment_a": "FRIEND_A_COMMENT",  # friend_a's comment on the owner's public post
    "comment_b": "BLOCKED_COMMENT",  # blocked's comment on it, written before the block
}

# Names appear on many pages, so they are checked only on rows whose `shows` mention them.
NAMES = {
    "owner_name": "Olivia Owner",
    "stranger_name": "Sam Stranger",
    # Not a name: the title of the feedback campaign some rows make (tests/access/market_brands.py)
    "campaign": "CAMPAIGN_TITLE",
}

OWNER_POST_AUDIENCES = {
    "public": Audience.PUBLIC,
    "members": Audience.MEMBERS,
    "fof": Audience.FOF,
    "friends": Audience.FRIENDS,
    "circle_a": Audience.CIRCLES,
    "only_me": Audience.ONLY_ME,
}


def build_cast(graph: dict) -> dict:
    """`graph` plus content: the owner's posts in every audience (`c["posts"][key]`), their bio
    (details shared with Circle A), friend_a's friends-only post, blocked's public post, two
    comments on the owner's public post and a pending request from stranger to owner."""
    c = dict(graph)
    owner, friend_a, blocked = c["owner"], c["friend_a"], c["blocked"]
    c["posts"] = {
        key: posts.post_create(
            author=owner,
            text=MARKERS[key],
            audience=audience,
            circle_ids=[c["circle_a"].pk] if audience == Audience.CIRCLES else [],
        )
        for key, audience in OWNER_POST_AUDIENCES.items()
    }
    owner.profile.bio = MARKERS["bio"]
    owner.profile.save()
    social_settings_update(
        user=owner, details_audience=Audience.CIRCLES, details_circle_ids=[c["circle_a"].pk]
    )
    c["a_post"] = posts.post_create(author=friend_a, text=MARKERS["a_friends"])
    c["b_post"] = posts.post_create(author=blocked, text=MARKERS["b_public"], audience="public")
    public = c["posts"]["public"]
    c["comment"] = comment(friend_a, public, MARKERS["comment_a"])
    c["b_comment"] = comment(blocked, public, MARKERS["comment_b"], written_before_a_block=True)
    c["request"] = friends.friend_request_send(sender=c["stranger"], recipient=owner)
    return c


# --- Notation --------------------------------------------------------------------------------

LOGIN = "login"  # 302 to the sign-in page
# DRF answers an anonymous request with 403, not 401: it takes the WWW-Authenticate challenge from
# the first authentication class, SessionAuthentication, which has none (401 needs a challenge).
API_ANON = 403


def per(default: int | str, **viewers: int | str) -> dict[str, int | str]:
    """Expected status per viewer: `per(200, anonymous=LOGIN, blocked=404)`."""
    _known(viewers)
    return {viewer: viewers.get(viewer, default) for viewer in VIEWERS}


def sees(**viewers: str) -> dict[str, frozenset[str]]:
    """Which markers each viewer finds: `sees(owner="public bio")`; unnamed viewers see none."""
    _known(viewers)
    result = {viewer: frozenset(viewers.get(viewer, "").split()) for viewer in VIEWERS}
    unknown = set().union(*result.values()) - set(MARKERS) - set(NAMES)
    if unknown:
        raise ValueError(f"No such markers: {sorted(unknown)}")
    return result


def all_but(*excluded: str) -> tuple[str, ...]:
    """The viewers except these: `sees(**dict.fromkeys(all_but("owner"), "b_public"))`."""
    _known(dict.fromkeys(excluded))
    return tuple(viewer for viewer in VIEWERS if viewer not in excluded)


def plus(*maps: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Union of several `sees(...)` maps."""
    return {viewer: frozenset().union(*(m[viewer] for m in maps)) for viewer in VIEWERS}


def _known(viewers: dict) -> None:
    unknown = set(viewers) - set(VIEWERS)
    if unknown:
        raise ValueError(f"No such viewers: {sorted(unknown)}")


@dataclass(frozen=True)
class Row:
    """One line of the table; write it with `page(...)` or `api(...)`."""

    route: str  # the URL pattern, or "METHOD /api/path/{param}/"
    url: Callable[[dict], str]  # the concrete address, from the cast
    expect: dict[str, int | str]  # viewer -> status, from `per(...)`
    label: str = ""  # tells apart rows of the same route
    method: str = "GET"
    body: Callable[[dict], dict] | None = None  # form data (pages) or JSON (API)
    shows: dict[str, frozenset[str]] | None = None  # viewer -> markers, from `sees(...)`
    state: Callable[[dict], Any] | None = None  # what a write may change
    changes: str = ""  # the viewers whose request must change `state`
    api: bool = False

    @property
    def id(self) -> str:
        return f"{self.route} [{self.label}]" if self.label else self.route


def page(route: str, url, expect, **kwargs) -> Row:
    method = kwargs.pop("method", "GET")
    return Row(route=route, url=url, expect=expect, method=method, **kwargs)


def api(route: str, url, expect, **kwargs) -> Row:
    method = route.split(" ", 1)[0]
    return Row(route=route, url=url, expect=expect, method=method, api=True, **kwargs)


SIGNED_IN = per(200, anonymous=LOGIN)
SIGNED_IN_API = per(200, anonymous=API_ANON)
PUBLIC = per(200)

# --- Third-party route families --------------------------------------------------------------


@dataclass(frozen=True)
class ThirdParty:
    prefix: str
    packages: tuple[str, ...]
    why: str


# --- Inventory: what routes exist ------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str  # the full pattern, as Django lists it
    module: str  # where the view's code lives


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, walked recursively from the root resolver."""
    found: list[Pattern] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "view_class", entry.callback)
                found.append(Pattern(prefix + str(entry.pattern), view.__module__))

    walk(get_resolver().url_patterns, "")
    return found


def api_operations() -> set[str]:
    """Every operation of the OpenAPI schema, as "METHOD /path/{param}/"."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if method in methods
    }


def as_openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def missing_and_stale(
    rows: list[Row], third_party: Iterable[ThirdParty]
) -> tuple[list[str], list[str]]:
    """(routes with no row, rows naming no route), for these rows and third-party prefixes."""
    operations = api_operations()
    api_paths = {operation.split(" ", 1)[1] for operation in operations}
    patterns = url_patterns()
    page_routes = {p.route for p in patterns}
    routes = {row.route for row in rows}
    missing = sorted(operations - {row.route for row in rows if row.api})
    for pattern in patterns:
        if as_openapi_path(pattern.route) in api_paths or pattern.route in routes:
            continue
        if not any(
            pattern.route.startswith(family.prefix) and pattern.module.startswith(family.packages)
            for family in third_party
        ):
            missing.append(f"{pattern.route}  (view in {pattern.module})")
    stale = sorted({row.route for row in rows if not row.api} - page_routes)
    stale += sorted({row.route for row in rows if row.api} - operations)
    stale += [
        f"third-party prefix {family.prefix}"
        for family in third_party
        if not any(route.startswith(family.prefix) for route in page_routes)
    ]
    return missing, stale


# --- Running a row ---------------------------------------------------------------------------


def _body_text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _status_of(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    ):
        return LOGIN
    return response.status_code


def _request(client: Client, row: Row, url: str, body: dict | None):
    method = row.method.lower()
    if method == "get":
        return client.get(url)
    if row.api:
        return getattr(client, method)(url, data=body or {}, content_type="application/json")
    return getattr(client, method)(url, data=body or {})


def sign_in_all(cast: dict) -> dict[str, str]:
    """A session key per signed-in viewer, made once with `force_login`."""
    sessions = {}
    for viewer in VIEWERS:
        if viewer != "anonymous":
            client = Client()
            client.force_login(cast[viewer], backend="django.contrib.auth.backends.ModelBackend")
            sessions[viewer] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def run_row(row: Row, cast: dict) -> list[str]:
    """Request `row` as every viewer; return what went wrong, one line per viewer."""
    failures = []
    url = row.url(cast)
    body = row.body(cast) if row.body else None
    changers = set(row.changes.split())
    _known(dict.fromkeys(changers))
    for viewer in VIEWERS:
        with transaction.atomic():
            client = Client()
            if viewer != "anonymous":
                client.cookies[settings.SESSION_COOKIE_NAME] = cast["sessions"][viewer]
            before = row.state(cast) if row.state else None
            try:
                response = _request(client, row, url, body)
            except Exception as error:  # noqa: BLE001 - reported per viewer, with the route
                failures.append(f"{viewer}: raised {error!r}")
                transaction.set_rollback(True)
                continue
            failures += _check(row, viewer, response, before, cast)
            transaction.set_rollback(True)
    return failures


def _check(row: Row, viewer: str, response, before, cast: dict) -> list[str]:
    problems = []
    status = _status_of(response)
    if status != row.expect[viewer]:
        problems.append(f"{viewer}: status {status}, expected {row.expect[viewer]}")
    text = _body_text(response)
    expected = row.shows[viewer] if row.shows else frozenset()
    probes = dict(MARKERS)
    if row.shows:
        mentioned = set().union(*row.shows.values())
        probes |= {key: name for key, name in NAMES.items() if key in mentioned}
    shown = {key for key, marker in probes.items() if marker in text}
    if shown != expected:
        extra, lacking = sorted(shown - expected), sorted(expected - shown)
        problems.append(f"{viewer}: shows {sorted(shown)}; leaks {extra}, lacks {lacking}")
    if row.state:
        changed = row.state(cast) != before
        if changed != (viewer in row.changes.split()):
            did = "changed" if changed else "did not change"
            problems.append(f"{viewer}: {did} the state ({row.state.__name__})")
    return problems
