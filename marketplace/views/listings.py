"""Listing pages: sell something (with photos), edit it, see a listing, and "my listings".

Thin: reads through `marketplace.selectors.listings`, writes through
`marketplace.services.listings` (and `listing_lifecycle`, `listing_photos`). A refusal becomes a
form error or a message, never a 500; a listing a person may not see answers 404, as if it did
not exist. State changes on "my listings" answer htmx with the refreshed list.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.places.fields import PlaceField
from config.errors import DomainError, refusal_redirects, refusals_on
from config.ids import IdsChoiceField
from marketplace.models import Listing, ListingAudience
from marketplace.selectors import listings as selectors
from marketplace.services import listing_lifecycle, listing_photos, listings
from marketplace.signals import listing_viewed
from social.models import Circle


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class CircleChoiceField(IdsChoiceField):
    """The seller's circles, by name."""

    def label_from_instance(self, obj: Circle) -> str:
        return obj.name


def _field[F: forms.Field](form: forms.Form, name: str, kind: type[F]) -> F:
    """The form's own copy of a declared field, as the class it was declared with."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"The field {name} is not a {kind.__name__}.")
    return field


class ListingForm(forms.Form):
    """Shape only, in the order people think (photos, what it is, its price, where, who sees
    it); the service checks every rule and its message lands on the right field. The circles
    and the radius count only with the audience that uses them."""

    photos = MultiplePhotoField(
        label="Photos",
        required=False,
        help_text=f"Up to {Listing.MAX_PHOTOS}. JPEG, PNG, WebP or GIF; the first is the cover.",
    )
    title = forms.CharField(label="Title", max_length=Listing.TITLE_MAX_LENGTH)
    category = forms.TypedChoiceField(
        label="Category", coerce=int, error_messages={"required": "Choose a category."}
    )
    brand = forms.TypedChoiceField(label="Brand", coerce=int, required=False, empty_value=None)
    brand_name = forms.CharField(
        label="Brand not in the list",
        required=False,
        max_length=80,
        help_text="Name it; we add it to the list for everyone.",
    )
    product_model = forms.TypedChoiceField(
        label="Model", coerce=int, required=False, empty_value=None
    )
    model_name = forms.CharField(
        label="Model not in the list",
        required=False,
        max_length=120,
        help_text="Name it, if you know it.",
    )
    condition = forms.ChoiceField(
        label="Condition",
        choices=[("", "Choose…"), *Listing.Condition.choices],
        error_messages={"required": "Choose the condition."},
    )
    description = forms.CharField(
        label="Description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What it is, its size, its flaws, why you sell it.",
    )
    price = forms.CharField(
        label="Price", widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=20
    )
    currency = forms.ChoiceField(label="Currency", choices=Listing.Currency.choices)
    place = PlaceField(
        label="Place",
        max_length=Listing.PLACE_MAX_LENGTH,
        help_text="The town where buyers collect it: start typing its name and pick it.",
    )
    pickup = forms.BooleanField(label="Local pickup", required=False, initial=True)
    shipping = forms.BooleanField(label="Shipping", required=False)
    shipping_price = forms.CharField(
        label="Shipping price",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="What the buyer pays for sending it; 0 for free shipping.",
    )
    audience = forms.ChoiceField(
        label="Who sees it",
        choices=ListingAudience.choices,
        initial=ListingAudience.FRIENDS,
        widget=forms.RadioSelect,
    )
    circles = CircleChoiceField(
        queryset=Circle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Circles that see it",
        help_text="With “Chosen circles”.",
    )
    nearby_radius_km = forms.IntegerField(
        label="Nearby radius (km)",
        required=False,
        initial=10,
        help_text="With “Anyone nearby”: people whose home is within this distance, 1 to 500 km.",
    )

    def __init__(self, *args, owner, with_photos: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        _field(self, "circles", CircleChoiceField).queryset = Circle.objects.filter(owner=owner)
        _field(self, "category", forms.ChoiceField).choices = [
            ("", "Choose a category"),
            *selectors.category_choices(),
        ]
        # A bound form accepts any catalog entry, so a mismatch gets the service's sentence.
        set_catalog_choices(self, None if self.is_bound else self._chosen("category"))
        # Changing the category reloads the brand and model lists (htmx); without JavaScript
        # they list everything and the service checks they match.
        self.fields["category"].widget.attrs |= {
            "hx-get": reverse("marketplace:listing_catalog_fields"),
            "hx-target": "#catalog-fields",
            "hx-swap": "outerHTML",
            "hx-trigger": "change",
        }
        if not with_photos:
            del self.fields["photos"]

    def _chosen(self, name: str):
        value = self.initial.get(name)
        return value if value not in (None, "") else None

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        circles = data.pop("circles", None) or []
        audience = data.get("audience")
        # What the chosen audience does not use is not sent: a circle ticked, then the audience
        # changed, is no refusal.
        data["circle_ids"] = (
            [circle.pk for circle in circles] if audience == ListingAudience.CIRCLES else []
        )
        if audience != ListingAudience.NEARBY:
            data.pop("nearby_radius_km", None)
        data.pop("photos", None)
        return data


def set_catalog_choices(form: forms.Form, category_id) -> None:
    """The brand and model lists of `form`, for the chosen category (every one before a
    category is chosen)."""
    products = list(selectors.products_for(category_id))
    brands: list[tuple[int | str, str]] = [("", "Not in the list, or none")]
    brands += sorted({(p.brand_id, p.brand.name) for p in products}, key=lambda c: c[1])
    _field(form, "brand", forms.ChoiceField).choices = brands
    _field(form, "product_model", forms.ChoiceField).choices = [("", "Not in the list")] + [
        (p.pk, str(p)) for p in products
    ]


def _initial_for_new(user) -> dict:
    profile = user.profile
    initial = {
        "currency": Listing.Currency.EUR,
        "audience": ListingAudience.FRIENDS,
        "pickup": True,
    }
    if profile.has_home:
        initial["place"] = profile.home_place
    return initial


@require_http_methods(["GET", "POST"])
def listing_new(request):
    form = ListingForm(
        request.POST or None,
        request.FILES or None,
        owner=request.user,
        initial=_initial_for_new(request.user),
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            listing = listings.listing_create(
                seller=request.user,
                photos=form.cleaned_data["photos"],
                publish="publish" in request.POST,
                **form.service_fields(),
            )
            if listing.status == Listing.Status.ACTIVE:
                messages.success(request, "Your listing is on sale.")
                return redirect("marketplace:listing", listing.pk)
            if "draft" in request.POST:
                messages.success(request, "Draft saved. Publish it when it is ready.")
                return redirect("marketplace:listing", listing.pk)
            # "Preview" (the form's first button): a draft, shown as buyers will see it.
            return redirect("marketplace:listing_preview", listing.pk)
    return render(
        request,
        "marketplace/listings/form.html",
        {"form": form, "listing": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def listing_edit(request, listing_id: int):
    listing = selectors.access_own_listing(request.user, listing_id)
    initial = {
        "title": listing.title,
        "description": listing.description,
        "category": listing.category_id,
        "brand": listing.brand_id,
        "product_model": listing.product_model_id,
        "condition": listing.condition,
        "price": listing.price,
        "currency": listing.currency,
        "place": listing.place,
        "audience": listing.audience,
        "circles": list(listing.circles.all()),
        "nearby_radius_km": listing.nearby_radius_km,
        "brand_name": listing.brand_name,
        "model_name": listing.model_name,
        "pickup": listing.pickup,
        "shipping": listing.shipping,
        "shipping_price": listing.shipping_price,
    }
    form = ListingForm(request.POST or None, owner=request.user, initial=initial, with_photos=False)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form):
            listing = listings.listing_update(
                seller=request.user, listing=listing, **form.service_fields()
            )
            if listing.status == Listing.Status.DRAFT:
                return redirect("marketplace:listing_preview", listing.pk)
            messages.success(request, "Listing saved.")
            return redirect("marketplace:listing", listing.pk)
    return render(
        request,
        "marketplace/listings/form.html",
        {
            "form": form,
            "listing": listing,
            "photos": list(listing.photos.all()),
            "editable": listing.status in listing_lifecycle.EDITABLE_STATUSES,
        },
        status=400 if form.errors else 200,
    )


def _edit_page(request, listing_id, **_) -> str:
    return reverse("marketplace:listing_edit", args=[listing_id])


@require_POST
@refusal_redirects(_edit_page)
def listing_photos_add(request, listing_id: int):
    """Add the uploaded photos, all or none."""
    listing = selectors.access_own_listing(request.user, listing_id)
    uploads = request.FILES.getlist("photos")
    if not uploads:
        raise DomainError("Choose at least one photo to upload.")
    with transaction.atomic():
        for upload in uploads:
            listing_photos.listing_photo_add(seller=request.user, listing=listing, image=upload)
    messages.success(request, "Photo added." if len(uploads) == 1 else "Photos added.")
    return redirect("marketplace:listing_edit", listing.pk)


@require_POST
@refusal_redirects(_edit_page)
def listing_photo_delete(request, listing_id: int, photo_id: int):
    listing = selectors.access_own_listing(request.user, listing_id)
    listing_photos.listing_photo_remove(seller=request.user, listing=listing, photo_id=photo_id)
    messages.success(request, "Photo removed.")
    return redirect("marketplace:listing_edit", listing.pk)


@login_not_required
@require_GET
def listing_detail(request, listing_id: int):
    view = selectors.access_listing_page(request.user, listing_id)
    listing_viewed.send(sender=Listing, viewer=request.user, listing=view.listing)
    return render(request, "marketplace/listings/detail.html", {"view": view})


@require_GET
def listing_preview(request, listing_id: int):
    """The seller's listing as buyers will see it, with "Edit" and "Publish" (a draft's last
    step before it goes on sale)."""
    listing = selectors.access_own_listing(request.user, listing_id)
    view = selectors.access_listing_page(request.user, listing.pk)
    return render(request, "marketplace/listings/detail.html", {"view": view, "preview": True})


@require_GET
def listing_catalog_fields(request):
    """The brand and model fields for the category chosen on the listing form (htmx)."""
    form = ListingForm(owner=request.user, initial={"category": request.GET.get("category")})
    return render(request, "marketplace/listings/_catalog_fields.html", {"form": form})


ACTION_DONE = {
    "publish": "Your listing is on sale.",
    "withdraw": "Listing withdrawn.",
    "relist": "Your listing is on sale again for 60 days.",
}


def _my_listings(request, *, fragment: bool = False):
    groups = selectors.listings_of_seller_by_state(request.user)
    template = "marketplace/listings/_mine.html" if fragment else "marketplace/listings/mine.html"
    return render(request, template, {"groups": groups})


def _my_listings_fragment(request, **_) -> HttpResponse:
    return _my_listings(request, fragment=True)


def _after_action(request, listing_id) -> str:
    if request.POST.get("next") == "mine":
        return reverse("marketplace:listing_mine")
    return reverse("marketplace:listing", args=[listing_id])


@require_POST
@refusal_redirects(_after_action, htmx=_my_listings_fragment)
def listing_action(request, listing_id: int):
    """Publish, withdraw or relist one of your listings (the `action` field)."""
    listing = selectors.access_own_listing(request.user, listing_id)
    action = request.POST.get("action", "")
    listing_lifecycle.listing_act(seller=request.user, listing=listing, action=action)
    if request.htmx:
        return _my_listings_fragment(request)
    messages.success(request, ACTION_DONE[action])
    return redirect(_after_action(request, listing.pk))


@require_GET
def my_listings(request):
    return _my_listings(request)


urlpatterns = [
    path("listings/new/", listing_new, name="listing_new"),
    path("listings/mine/", my_listings, name="listing_mine"),
    path("listings/new/catalog-fields/", listing_catalog_fields, name="listing_catalog_fields"),
    path("listings/<int:listing_id>/preview/", listing_preview, name="listing_preview"),
    path("listings/<int:listing_id>/", listing_detail, name="listing"),
    path("listings/<int:listing_id>/edit/", listing_edit, name="listing_edit"),
    path("listings/<int:listing_id>/status/", listing_action, name="listing_action"),
    path("listings/<int:listing_id>/photos/", listing_photos_add, name="listing_photos_add"),
    path(
        "listings/<int:listing_id>/photos/<int:photo_id>/delete/",
        listing_photo_delete,
        name="listing_photo_delete",
    ),
]
