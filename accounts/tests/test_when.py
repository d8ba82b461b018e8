"""`ago`: times as people say them."""

from __future__ import annotations

from datetime import timedelta

from django.template import Context, Template
from django.utils import timezone

from accounts.templatetags.when import ago


def test_within_a_minute_is_just_now():
    assert ago(timezone.now()) == "just now"
    assert ago(timezone.now() - timedelta(seconds=59)) == "just now"
    assert ago(timezone.now() + timedelta(seconds=5)) == "just now"  # a clock a little ahead


def test_later_it_says_the_largest_unit():
    assert ago(timezone.now() - timedelta(minutes=5, seconds=3)) == "5\xa0minutes ago"
    assert ago(timezone.now() - timedelta(days=2, hours=4)) == "2\xa0days ago"


def test_nothing_says_nothing():
    assert ago(None) == ""


def test_every_template_has_it_without_loading_it():
    rendered = Template("{{ when|ago }}").render(Context({"when": timezone.now()}))
    assert rendered == "just now"
