"""`{% url %}` that remembers its answers: a builtin (settings.TEMPLATES) in place of Django's own.

A page of twenty posts or listings reverses a hundred URLs, and each `reverse()` walks the
resolver again: about a tenth of such a page's time. The answer depends only on the URL
configuration, the script prefix, the view's name, its arguments and the current namespace, so
it is kept under exactly those (for arguments that are plain numbers and strings; anything else
is reversed as Django does). A name that does not reverse raises as before and is not kept.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=16_384)
def remembered_reverse(
    urlconf: str,
    prefix: str,
    view_name: str,
    args: tuple[int | str, ...],
    kwargs: tuple[tuple[str, int | str], ...],
    current_app: str | None,
) -> str:
    """`reverse()`, kept under everything its answer depends on (`prefix` is read by it)."""
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def _plain(value: object) -> bool:
    """A number or a string (a template's literals are safe strings): not a bool, a model or a
    lazy string, which reverse as Django reverses them."""
    return type(value) is int or isinstance(value, str)


def _key(value: int | str) -> int | str:
    return value if type(value) is int else str(value)


class RememberedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        if not (_plain(view_name) and all(map(_plain, [*args, *kwargs.values()]))):
            return super().render(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        try:
            url = remembered_reverse(
                urlconf,
                get_script_prefix(),
                str(view_name),
                tuple(map(_key, args)),
                tuple(sorted((name, _key(value)) for name, value in kwargs.items())),
                current_app,
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}`, parsed as Django parses it, its answers remembered."""
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
