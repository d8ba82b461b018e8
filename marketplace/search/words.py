"""Words as the search compares them: without accents or case, plurals made singular.

One function (`normal_words`) turns a listing's text and what someone types into the same
forms, so "Vélos", "velo" and "vélo" meet, and so do "bikes" and "bike". The stemming is light
on purpose (English and French plurals, no verb endings): both sides go through it, so what
matters is that two forms of one word meet, never that the form is a dictionary word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters that do not decompose into a letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"})
# "Kid's", "kids'" and "l'étagère": the apostrophe and what it elides go.
_ELISION = re.compile(r"\b[ldjmnst]['’](?=\w)|['’]s\b|['’]")
_TOKEN = re.compile(r"[a-z0-9]+")
# Plural endings, longest first: (ending, replacement, shortest word it applies to).
_ENDINGS = (
    ("eaux", "eau", 6),  # bateaux
    ("sses", "ss", 6),  # glasses
    ("ies", "y", 5),  # batteries
    ("aux", "al", 5),  # chevaux, journaux
    ("ches", "ch", 6),  # benches
    ("shes", "sh", 6),  # dishes
    ("xes", "x", 5),  # boxes
    ("zes", "z", 5),  # quizzes
    ("eux", "eu", 4),  # jeux
    ("oux", "ou", 5),  # bijoux
)
# Words ending in s that are not plurals.
_SINGULAR_S = ("ss", "us", "is")


def fold(text: str) -> str:
    """`text` lower-cased, without accents ("Vélo" -> "velo")."""
    text = text.casefold().translate(_LIGATURES)
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return text


def stem(word: str) -> str:
    """The singular of a folded word, as far as simple rules go ("bikes" -> "bike",
    "batteries" -> "battery", "chevaux" -> "cheval"); short words and numbers stay."""
    if word.isdigit() or len(word) <= 3:
        return word
    for ending, replacement, shortest in _ENDINGS:
        if len(word) >= shortest and word.endswith(ending):
            return word[: -len(ending)] + replacement
    if word.endswith("s") and not word.endswith(_SINGULAR_S):
        return word[:-1]
    return word


def normal_words(text: str) -> list[str]:
    """The words of `text` in the form the search compares: folded, split on anything but a
    letter or a digit, each made singular. Only [a-z0-9] characters remain."""
    folded = _ELISION.sub(" ", fold(text))
    return [stem(token) for token in _TOKEN.findall(folded)]


def words_column(*texts: str | None) -> str:
    """The words of `texts` as a listing stores them (`Listing.title_words`): each once, in the
    order they first appear, with a space before and after every one, so a word matches with
    `contains(" word ")` and never inside another word."""
    seen = dict.fromkeys(_all_words(texts))
    return f" {' '.join(seen)} " if seen else ""


def _all_words(texts: Iterable[str | None]) -> Iterable[str]:
    for text in texts:
        if text:
            yield from normal_words(text)
