from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from accounts.images import clean_image
from accounts.models import Interest, Profile, round_coordinate
from config.ids import IdsChoiceField


class ProfileForm(forms.ModelForm):
    """Edit one's own profile. The avatar is checked here for a friendly error, and re-encoded by
    the service."""

    avatar = forms.FileField(
        required=False,
        help_text="JPEG, PNG, WebP or GIF, up to 10 MB. Location data in the photo is removed.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove my photo")
    interests = IdsChoiceField(
        queryset=Interest.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    home_latitude = forms.DecimalField(
        required=False,
        min_value=-90,
        max_value=90,
        label="Home latitude",
        help_text="Rounded to about 1 km before it is stored.",
    )
    home_longitude = forms.DecimalField(
        required=False, min_value=-180, max_value=180, label="Home longitude"
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "bio",
            "home_place",
            "home_latitude",
            "home_longitude",
            "interests",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": Profile.BIO_MAX_LENGTH})}
        help_texts = {
            "display_name": "How others see you. Your email is never shown.",
            "home_place": "A town or neighbourhood, for listings near you.",
        }

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if upload:
            # Validate now for the form error; the service stores a clean copy.
            clean_image(upload, max_side=512, name="avatar")
            upload.seek(0)
        return upload

    def clean_home_latitude(self):
        return round_coordinate(self.cleaned_data.get("home_latitude"))

    def clean_home_longitude(self):
        return round_coordinate(self.cleaned_data.get("home_longitude"))

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("home_latitude"), cleaned.get("home_longitude")
        if (latitude is None) != (longitude is None) and not self.errors:
            raise ValidationError("Give both latitude and longitude, or neither.")
        return cleaned
