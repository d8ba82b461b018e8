"""Forms for the social pages. They check shape only; the rules live in the services, whose
`DomainError` messages the views put back on the form."""

from __future__ import annotations

from django import forms

from config.ids import IdsChoiceField
from social.audience import Audience
from social.models import Circle, Comment, Post


class CircleChoiceField(IdsChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Circle) -> str:
        return obj.name


class AudienceFormMixin(forms.Form):
    """An audience radio plus the owner's own circles to choose from."""

    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.FRIENDS)
    circles = CircleChoiceField(
        queryset=Circle.objects.none(),
        required=False,
        help_text="With “Chosen circles”: the circles that see it.",
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circles"].queryset = Circle.objects.filter(owner=owner)

    def circle_ids(self) -> list[int]:
        return [circle.pk for circle in self.cleaned_data.get("circles") or []]


class PostForm(AudienceFormMixin):
    text = forms.CharField(
        max_length=Post.TEXT_MAX_LENGTH,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "What are you looking for, or what did you buy? Use #hashtags.",
            }
        ),
        label="Your post",
    )
    photo = forms.FileField(required=False, help_text="Optional. JPEG, PNG, WebP or GIF.")

    field_order = ["text", "photo", "audience", "circles"]


class PostEditForm(AudienceFormMixin):
    text = forms.CharField(
        max_length=Post.TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), label="Your post"
    )
    field_order = ["text", "audience", "circles"]


class CommentForm(forms.Form):
    text = forms.CharField(
        max_length=Comment.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Write a comment"}),
        label="Comment",
    )


class CircleForm(forms.Form):
    # No max_length here: the service gives the one message for every bad name.
    name = forms.CharField(label="Circle name", required=False)


class BulkAudienceForm(AudienceFormMixin):
    since = forms.DateField(
        required=False, label="Written from", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="Written until", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start of the period is after its end.")
        return data


class SocialSettingsForm(AudienceFormMixin):
    findable = forms.BooleanField(
        required=False, label="Let signed-in people find me by name in people search"
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["audience"].label = "Who sees my bio, home area and interests"


class FriendCirclesForm(forms.Form):
    circles = CircleChoiceField(queryset=Circle.objects.none(), required=False)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circles"].queryset = Circle.objects.filter(owner=owner)
