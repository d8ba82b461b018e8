"""What a post talks about: #hashtags and the known topic words in its text.

Stored as `PostTag` rows when a post is written, so "friends who talked about bikes" is an
indexed lookup rather than a text search over everyone's posts.
"""

from __future__ import annotations

import re

from django.utils.text import slugify

HASHTAG = re.compile(r"(?<![\w#])#([^\W_][\w-]{0,58})", re.UNICODE)
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


def hashtags_in(text: str) -> set[str]:
    return {slugify(tag) for tag in HASHTAG.findall(text) if slugify(tag)}


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def topics_in(text: str, topics: list[tuple[str, list[str]]]) -> set[str]:
    """Slugs of the topics whose keywords the text mentions. Single keywords match whole words
    (plural or singular); keywords of several words match as a phrase."""
    lowered = text.lower()
    words = {singular(word) for word in WORD.findall(lowered)}
    words |= {singular(tag.replace("-", "")) for tag in hashtags_in(text)}
    found = set()
    for slug, keywords in topics:
        for keyword in keywords:
            keyword = keyword.lower()
            if (" " in keyword and keyword in lowered) or singular(keyword) in words:
                found.add(slug)
                break
    return found
