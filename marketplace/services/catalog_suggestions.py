"""Brands and models sellers named that the catalog lacks: recorded as suggestions when a
listing names them, and resolved by staff (merged into an existing entry, added to the catalog,
or rejected). Resolving one moves every listing that named it onto the catalog entry, so
purchases and reviews of those listings add up per brand and product.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from config.errors import Conflict, DomainError
from marketplace.models import Brand, CatalogSuggestion, Listing, ProductModel

Kind = CatalogSuggestion.Kind
Status = CatalogSuggestion.Status


def suggestions_record(*, listing: Listing, seller_id: int | None) -> list[CatalogSuggestion]:
    """Record the brand and model `listing` names outside the catalog, once per name, kind and
    category (a second seller naming it joins the pending suggestion). Returns them."""
    wanted: list[tuple[str, str, Brand | None]] = []
    if listing.brand_name:
        wanted.append((Kind.BRAND, listing.brand_name, None))
    if listing.model_name:
        wanted.append((Kind.MODEL, listing.model_name, listing.brand))
    recorded = []
    for kind, name, brand in wanted:
        pending = CatalogSuggestion.objects.filter(
            kind=kind, name__iexact=name, category=listing.category, status=Status.PENDING
        ).first()
        if pending is None:
            try:
                with transaction.atomic():
                    pending = CatalogSuggestion.objects.create(
                        kind=kind,
                        name=name,
                        category=listing.category,
                        brand=brand,
                        suggested_by_id=seller_id,
                    )
            except IntegrityError:  # a seller naming it at the same moment recorded it
                pending = CatalogSuggestion.objects.get(
                    kind=kind, name__iexact=name, category=listing.category, status=Status.PENDING
                )
        recorded.append(pending)
    return recorded


def listings_naming(suggestion: CatalogSuggestion) -> QuerySet[Listing]:
    """The listings that named what `suggestion` suggests (while it is pending)."""
    listings = Listing.objects.filter(category=suggestion.category)
    if suggestion.kind == Kind.BRAND:
        return listings.filter(brand_name__iexact=suggestion.name)
    listings = listings.filter(model_name__iexact=suggestion.name)
    if suggestion.brand_id is not None:
        listings = listings.filter(brand_id=suggestion.brand_id)
    return listings


def _pending(suggestion: CatalogSuggestion) -> CatalogSuggestion:
    current = CatalogSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if current.status != Status.PENDING:
        raise Conflict(
            f"This suggestion is already {current.get_status_display().lower()}.",
            code="suggestion_resolved",
        )
    return current


def _resolve(suggestion: CatalogSuggestion, status: str) -> None:
    suggestion.status = status
    suggestion.resolved_at = timezone.now()
    suggestion.save(update_fields=["status", "resolved_at"])


def _move_to_brand(suggestion: CatalogSuggestion, brand: Brand) -> int:
    listings = listings_naming(suggestion)
    model_names = set(listings.exclude(model_name="").values_list("model_name", flat=True))
    moved: int = listings.update(brand=brand, brand_name="")
    # Models named on those listings now have a catalog brand: their suggestions can be added.
    for name in model_names:
        CatalogSuggestion.objects.filter(
            kind=Kind.MODEL,
            name__iexact=name,
            category=suggestion.category,
            brand__isnull=True,
            status=Status.PENDING,
        ).update(brand=brand)
    return moved


def _move_to_model(suggestion: CatalogSuggestion, product: ProductModel) -> int:
    moved: int = listings_naming(suggestion).update(
        product_model=product, brand=product.brand, brand_name="", model_name=""
    )
    return moved


def _require_staff(staff: User) -> None:
    if not staff.is_staff:
        raise DomainError("Only staff resolve catalog suggestions.", code="not_staff")


@transaction.atomic
def suggestion_merge(
    *,
    staff: User,
    suggestion: CatalogSuggestion,
    brand: Brand | None = None,
    product_model: ProductModel | None = None,
) -> int:
    """Merge a suggestion into an existing catalog brand (a brand suggestion) or model (a model
    suggestion): the listings that named it point to that entry. Returns how many moved.
    Raises Conflict if already resolved, DomainError if the target does not fit."""
    _require_staff(staff)
    suggestion = _pending(suggestion)
    if suggestion.kind == Kind.BRAND:
        if brand is None:
            raise DomainError("Choose the brand to merge it into.", code="no_target")
        moved = _move_to_brand(suggestion, brand)
    else:
        if product_model is None:
            raise DomainError("Choose the model to merge it into.", code="no_target")
        if product_model.category_id not in suggestion.category.root.with_descendants():
            raise DomainError(
                f"{product_model} is not in {suggestion.category.root.name}; choose a model of "
                "that category.",
                code="target_category",
            )
        moved = _move_to_model(suggestion, product_model)
    _resolve(suggestion, Status.MERGED)
    return moved


@transaction.atomic
def suggestion_add(*, staff: User, suggestion: CatalogSuggestion) -> Brand | ProductModel:
    """Add what a suggestion names to the catalog (a brand, or a model of its brand in its
    category) and point the listings that named it to the new entry. Raises Conflict if it is
    already resolved or the catalog has it already, DomainError if a model's brand is not in the
    catalog yet."""
    _require_staff(staff)
    suggestion = _pending(suggestion)
    entry: Brand | ProductModel
    if suggestion.kind == Kind.BRAND:
        if Brand.objects.filter(name__iexact=suggestion.name).exists():
            raise Conflict(
                f"The catalog has {suggestion.name} already: merge the suggestion into it.",
                code="already_in_catalog",
            )
        entry = Brand.objects.create(name=suggestion.name, slug=_free_slug(Brand, suggestion.name))
        _move_to_brand(suggestion, entry)
    else:
        if suggestion.brand is None:
            raise DomainError(
                "This model's brand is not in the catalog: add or merge the brand first.",
                code="no_brand",
            )
        brand = suggestion.brand
        if ProductModel.objects.filter(brand=brand, name__iexact=suggestion.name).exists():
            raise Conflict(
                f"The catalog has {brand.name} {suggestion.name} already: merge the suggestion "
                "into it.",
                code="already_in_catalog",
            )
        entry = ProductModel.objects.create(
            brand=brand,
            name=suggestion.name,
            category=suggestion.category,
            slug=_free_slug(ProductModel, f"{brand.name} {suggestion.name}"),
        )
        _move_to_model(suggestion, entry)
    _resolve(suggestion, Status.ADDED)
    return entry


@transaction.atomic
def suggestion_reject(*, staff: User, suggestion: CatalogSuggestion) -> None:
    """Reject a suggestion; the listings keep the name their seller gave."""
    _require_staff(staff)
    _resolve(_pending(suggestion), Status.REJECTED)


def _free_slug(model: type[Brand] | type[ProductModel], name: str) -> str:
    base = slugify(name)[:70] or "entry"
    slug, number = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
