"""Every link to a person is registered: exported or excluded with a reason, and classified for
erasure. A new model pointing at the user fails here, by name, until it is registered."""

from __future__ import annotations

import django.apps
import pytest
from django.db import models
from django.test.utils import isolate_apps

from accounts.models import User
from privacy.registry import REGISTRY, Erasure, links_to_people


def unregistered() -> list[str]:
    """The links to a person that privacy/personal_data/ does not cover yet."""
    return [
        f"{model}.{field}" for model, field in links_to_people() if (model, field) not in REGISTRY
    ]


def test_every_link_to_a_person_is_registered():
    missing = unregistered()
    assert missing == [], f"Register these in privacy/personal_data/: {', '.join(missing)}"


def test_links_to_people_finds_the_known_links():
    links = set(links_to_people())
    for known in [
        ("accounts.profile", "user"),
        ("social.post", "author"),
        ("social.block", "blocked"),
        ("social.circle", "members"),
        ("privacy.consentrecord", "user"),
        ("account.emailaddress", "user"),
    ]:
        assert known in links


def test_a_new_model_linking_to_a_person_is_named_until_registered(monkeypatch):
    with isolate_apps("privacy"):

        class Wishlist(models.Model):
            keeper = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

            class Meta:
                app_label = "privacy"

            def __str__(self) -> str:
                return "wishlist"

    real_get_models = django.apps.apps.get_models
    monkeypatch.setattr(
        django.apps.apps,
        "get_models",
        lambda *args, **kw: [*real_get_models(*args, **kw), Wishlist],
    )

    try:
        assert unregistered() == ["privacy.wishlist.keeper"]
    finally:
        # The model's relation must not stay in the real models' cached relation trees.
        monkeypatch.undo()
        django.apps.apps.clear_cache()


def test_every_entry_is_exported_or_says_why_not_and_is_classified():
    for key, entry in REGISTRY.items():
        assert entry.export is not None or entry.not_exported, key
        assert entry.erasure in Erasure.values, key
        if entry.erasure != Erasure.DELETE:
            assert entry.why, f"{key}: say why it is {entry.erasure.label.lower()}"
        if entry.files is not None:
            assert entry.export is not None, key


def test_secrets_are_never_exported():
    for label in ["authtoken.token", "authtoken.tokenproxy", "admin.logentry"]:
        entry = REGISTRY[(label, "user")]
        assert entry.export is None and entry.not_exported
    assert REGISTRY[("social.block", "blocked")].export is None
    assert REGISTRY[("social.circlemembership", "member")].export is None


def test_every_export_gives_json_rows_for_a_person_with_relations(graph):
    import json

    for key, entry in REGISTRY.items():
        if entry.export is None:
            continue
        rows = entry.export(graph["owner"])
        assert isinstance(rows, list), key
        json.dumps(rows)


def test_every_entry_has_a_kind_of_its_own():
    kinds = [entry.kind for entry in REGISTRY.values()]
    shared = sorted({kind for kind in kinds if kinds.count(kind) > 1})
    assert shared == [], f"Give these entries a kind each: {', '.join(shared)}"


def test_a_second_entry_with_a_kind_already_taken_is_refused(monkeypatch):
    from privacy.registry import personal_data
    from social.models import Comment

    monkeypatch.delitem(REGISTRY, ("social.comment", "author"))

    with pytest.raises(ValueError, match="“posts” is already Post.author's"):
        personal_data(
            Comment, "author", kind="posts", export=lambda user: [], erasure=Erasure.DELETE
        )


def test_what_stays_after_erasure_must_say_why_and_for_how_long():
    from privacy.registry import personal_data
    from social.models import Comment

    with pytest.raises(ValueError, match="say why"):
        personal_data(
            Comment, "author", kind="kept", export=lambda user: [], erasure=Erasure.ANONYMISE
        )
    with pytest.raises(ValueError, match="retention"):
        personal_data(
            Comment,
            "author",
            kind="kept",
            export=lambda user: [],
            erasure=Erasure.RETAIN,
            why="Evidence.",
        )
    for key, entry in REGISTRY.items():
        if entry.erasure != Erasure.DELETE:
            assert entry.retention_period, key
