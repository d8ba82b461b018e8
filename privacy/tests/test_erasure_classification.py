"""Every relation to a person says what erasure does to it, and the purge can do exactly that."""

from __future__ import annotations

import dataclasses

from privacy.registry import REGISTRY, Erasure
from privacy.services.erasure import Link, classification_problems, links_to_the_person


def test_every_relation_to_a_person_is_classified_and_can_be_honoured():
    problems = classification_problems()
    assert problems == [], "Fix these in privacy/personal_data/:\n  " + "\n  ".join(problems)


def test_every_classified_link_is_deleted_anonymised_or_retained_with_a_reason():
    for link in links_to_the_person():
        entry = REGISTRY[link.key]
        assert entry.erasure in (Erasure.DELETE, Erasure.ANONYMISE, Erasure.RETAIN), link
        if entry.erasure == Erasure.RETAIN:
            assert entry.why, link


def test_hidden_reverse_relations_and_many_to_many_links_are_counted():
    links = set(links_to_the_person())
    for hidden in [
        Link("social.friendship", "friend"),  # related_name="+"
        Link("social.notification", "actor"),
        Link("privacy.auditevent", "actor"),
        Link("accounts.user", "groups"),  # through an auto-created table
        Link("social.circle", "members"),
    ]:
        assert hidden in links


def test_an_unclassified_relation_is_named(monkeypatch):
    monkeypatch.delitem(REGISTRY, ("social.comment", "author"))

    assert classification_problems() == [
        "social.comment.author is not classified in privacy/personal_data/."
    ]


def test_a_retained_link_that_would_be_deleted_with_the_account_is_named(monkeypatch):
    key = ("social.post", "author")  # on_delete=CASCADE: the rows could not stay
    monkeypatch.setitem(
        REGISTRY, key, dataclasses.replace(REGISTRY[key], erasure=Erasure.RETAIN, why="Kept.")
    )

    assert classification_problems() == [
        "social.post.author cannot be retained: deleting the account would delete its rows "
        "(the link must be nullable with on_delete=SET_NULL)."
    ]


def test_a_link_that_cannot_be_null_cannot_be_anonymised(monkeypatch):
    key = ("social.comment", "author")
    monkeypatch.setitem(REGISTRY, key, dataclasses.replace(REGISTRY[key], erasure="anonymise"))

    assert classification_problems() == [
        "social.comment.author cannot be anonymised: the link cannot be NULL."
    ]


def test_a_retained_link_without_a_reason_is_named(monkeypatch):
    key = ("privacy.consentrecord", "user")
    monkeypatch.setitem(REGISTRY, key, dataclasses.replace(REGISTRY[key], why=""))

    assert classification_problems() == [
        "privacy.consentrecord.user is retained without saying why."
    ]
