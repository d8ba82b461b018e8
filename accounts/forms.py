from __future__ import annotations

from django import forms

from accounts.images import clean_image
from accounts.models import Interest, Profile
from accounts.places.fields import PlaceField
from accounts.services import profile_update
from config.ids import IdsChoiceField


class SignupNameForm(forms.Form):
    """What sign-up asks besides the email and password (`ACCOUNT_SIGNUP_FORM_CLASS`): the name
    people will see, so nobody is "Member 63"."""

    field_order = ["name", "email", "password1", "password2"]

    name = forms.CharField(
        label="Your name",
        max_length=Profile._meta.get_field("display_name").max_length,
        help_text="How others see you, e.g. Anna Martin. Your email is never shown.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Tell us the name people will see.")
        return name

    def signup(self, request, user) -> None:
        """allauth calls this once the account is created."""
        profile_update(user=user, display_name=self.cleaned_data["name"])


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

    home_place = PlaceField(
        required=False,
        label="Home town",
        help_text="Start typing its name and pick it from the list: listings near it come first. "
        "Others see the town's name only.",
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "bio",
            "home_place",
            "interests",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": Profile.BIO_MAX_LENGTH})}
        help_texts = {
            "display_name": "How others see you. Your email is never shown.",
        }

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if upload:
            # Validate now for the form error; the service stores a clean copy.
            clean_image(upload, max_side=512, name="avatar")
            upload.seek(0)
        return upload
