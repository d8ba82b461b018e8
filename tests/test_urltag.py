"""`{% url %}` remembers its answers (config/urltag.py) and answers exactly as Django's own."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix

from config.urltag import RememberedURLNode, remembered_reverse


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture(autouse=True)
def forget():
    remembered_reverse.cache_clear()
    yield
    remembered_reverse.cache_clear()
    set_script_prefix("/")


def test_it_is_the_url_tag_every_template_has():
    assert isinstance(Template("{% url 'home' %}").nodelist[0], RememberedURLNode)


def test_it_answers_as_reverse_does_with_arguments_names_and_as():
    assert render("{% url 'social:post' 7 %}") == reverse("social:post", args=[7])
    assert render("{% url 'social:post' post_id=pk %}", pk=8) == reverse("social:post", args=[8])
    assert render("{% url 'social:post' 9 as there %}[{{ there }}]") == (
        f"[{reverse('social:post', args=[9])}]"
    )


def test_an_answer_is_remembered_and_each_argument_is_its_own_answer():
    render("{% url 'social:post' 1 %}{% url 'social:post' 1 %}{% url 'social:post' 2 %}")
    info = remembered_reverse.cache_info()
    assert (info.hits, info.misses) == (1, 2)


def test_a_name_that_does_not_reverse_raises_or_gives_nothing_with_as():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    assert render("{% url 'no-such-page' as there %}[{{ there }}]") == "[]"


def test_the_script_prefix_is_part_of_the_answer():
    plain = render("{% url 'home' %}")
    set_script_prefix("/bazaar/")
    assert render("{% url 'home' %}") == "/bazaar/" + plain.lstrip("/")


@override_settings(ROOT_URLCONF="bench.http_urls")
def test_another_url_configuration_is_another_answer():
    assert render("{% url 'bench-minimal' %}") == "/bench/minimal/"


class Seven:
    def __str__(self) -> str:
        return "7"


def test_any_other_argument_reverses_as_django_does_unremembered():
    assert render("{% url 'social:post' seven %}", seven=Seven()) == reverse(
        "social:post", args=[7]
    )
    assert render("{% url 'social:post' flag %}", flag=1) == reverse("social:post", args=[1])
    assert remembered_reverse.cache_info().currsize == 1
