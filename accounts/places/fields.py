"""The form field for a place chosen by town name: a text input whose towns are suggested as
one types, with a "Use my location" button (`static/js/places.js`). Without JavaScript it is a
plain text input; either way the form posts a town's name, never coordinates, and the service
that takes it finds the town (`accounts.places.place_named`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString


class PlaceInput(forms.TextInput):
    """A text input listing the gazetteer's towns that start as typed (a `<datalist>`, so the
    browser's own list works by keyboard and touch), and a button that fills in the town
    nearest the browser's location."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-towns"
        attrs["list"] = list_id
        return SafeString(
            render_to_string(
                "accounts/_place_input.html",
                {
                    "input": super().render(name, value, attrs, renderer),
                    "list_id": list_id,
                    "suggest_url": reverse("place_suggestions"),
                    "nearest_url": reverse("place_nearest"),
                },
            )
        )


class PlaceField(forms.CharField):
    """A town's name, as typed or picked ("Lyon, France"): only its shape is checked here; the
    service finds the town, or refuses a name it does not know, on this field."""

    widget = PlaceInput

    def __init__(self, *, max_length: int = 120, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Start typing a town's name and pick it from the list.")
        super().__init__(max_length=max_length, **kwargs)
