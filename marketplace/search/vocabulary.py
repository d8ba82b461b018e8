"""What a searched word stands for: its own form, the words that mean the same
(`synonyms.toml`), and the categories it names (a category's own name, or a group's category).

`query_terms` turns a query into `Term`s, one per word, which the search selector matches (every
term, each by any of its forms or categories); the listing's side is `Listing.title_words` and
`body_words`, made by the same `normal_words`.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from marketplace.models import Category
from marketplace.search.words import normal_words

SYNONYMS = Path(__file__).with_name("synonyms.toml")
# Words that say nothing about the thing, dropped from a query (unless nothing else is left)
# and from category names ("Tools & DIY", "Bike parts & accessories").
STOP_WORDS = frozenset(
    "a an and the of for with in on to or".split()
    + "le la les un une des de du d et ou en au aux avec pour sur".split()
)


@dataclass(frozen=True)
class Term:
    """One word of a query: a listing matches it when its words hold any of `forms`, or when it
    is in one of `category_ids` (the categories the word names, with everything below them)."""

    word: str
    forms: tuple[str, ...]
    category_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Synonyms:
    """`synonyms.toml`, normalised: each word's group of equivalent words, and the category
    slugs each word names."""

    forms: dict[str, frozenset[str]]
    category_slugs: dict[str, frozenset[str]]


@functools.cache
def synonyms() -> Synonyms:
    """The synonym groups, read once per process."""
    with SYNONYMS.open("rb") as file:
        groups = tomllib.load(file).get("group", [])
    forms: dict[str, set[str]] = {}
    slugs: dict[str, set[str]] = {}
    for group in groups:
        words = {form for word in group["words"] for form in normal_words(word)}
        for word in words:
            forms.setdefault(word, {word}).update(words)
            if group.get("category"):
                slugs.setdefault(word, set()).add(group["category"])
    return Synonyms(
        forms={word: frozenset(group) for word, group in forms.items()},
        category_slugs={word: frozenset(group) for word, group in slugs.items()},
    )


def query_words(q: str) -> list[str]:
    """The words of a query as the search compares them, each once, without the stop words
    (unless the query is nothing else)."""
    words = list(dict.fromkeys(normal_words(q)))
    meaningful = [word for word in words if word not in STOP_WORDS]
    return meaningful or words


def query_terms(q: str) -> tuple[Term, ...]:
    """The terms of a query (see `Term`); one query for the category tree when there are
    words. Synonyms of a word name the categories the word's own groups name, and any category
    whose name holds one of them."""
    words = query_words(q)
    if not words:
        return ()
    tree = list(Category.objects.values_list("pk", "parent_id", "slug", "name"))
    children: dict[int | None, list[int]] = {}
    named: dict[str, set[int]] = {}
    by_slug: dict[str, int] = {}
    for pk, parent, slug, name in tree:
        children.setdefault(parent, []).append(pk)
        by_slug[slug] = pk
        for word in normal_words(name):
            if word not in STOP_WORDS:
                named.setdefault(word, set()).add(pk)

    def below(roots: set[int]) -> tuple[int, ...]:
        found: set[int] = set()
        todo = list(roots)
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(children.get(pk, []))
        return tuple(sorted(found))

    known = synonyms()
    terms = []
    for word in words:
        forms = known.forms.get(word, frozenset({word}))
        roots = {pk for form in forms for pk in named.get(form, ())}
        roots |= {by_slug[s] for s in known.category_slugs.get(word, ()) if s in by_slug}
        terms.append(Term(word, tuple(sorted(forms)), below(roots)))
    return tuple(terms)
