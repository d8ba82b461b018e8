"""The brand side's writes: claiming a brand's page and staff's decision, the managers' posts,
becoming a fan (and its audience), and comments on a brand's page and posts.

A brand reaches people only on its page and in the feed of fans who asked for its posts: no
service here writes to a member on a brand's behalf (no message, no notice, no list of fans).
Every refusal raises a `config.errors` error with a message a person can act on and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import Brand, BrandClaim, BrandComment, BrandPost, Fan
from social.audience import Audience, AudienceQuerySet
from social.services.posts import audience_checked

ALREADY_CLAIMED = "You already asked to run this page: staff will answer."
ALREADY_MANAGER = "You already run this page."


def _brand(brand_id: int | str) -> Brand:
    try:
        return Brand.objects.get(pk=int(brand_id))
    except (Brand.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such brand.", code="no_brand") from None


def _text(text: str | None, limit: int, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(f"Write your {what} first.", code="empty", field="text")
    if len(text) > limit:
        raise DomainError(
            f"Keep your {what} under {limit:,} characters.", code="too_long", field="text"
        )
    return text


def is_manager(member: User | None, brand: Brand | int) -> bool:
    """Does `member` run `brand`'s page (an approved claim, the account active)?"""
    if member is None or not member.is_authenticated or not member.is_active:
        return False
    brand_id = brand.pk if isinstance(brand, Brand) else brand
    return BrandClaim.objects.filter(
        brand_id=brand_id, member=member, status=BrandClaim.Status.APPROVED
    ).exists()


# --- Claims and managers -----------------------------------------------------------------------


@transaction.atomic
def brand_claim(*, member: User, brand_id: int | str, note: str = "") -> BrandClaim:
    """Ask to run a brand's page. One claim per member and brand; staff decide."""
    brand = _brand(brand_id)
    note = (note or "").strip()
    if len(note) > BrandClaim.NOTE_MAX_LENGTH:
        raise DomainError(
            f"Keep your note under {BrandClaim.NOTE_MAX_LENGTH:,} characters.",
            code="too_long",
            field="note",
        )
    found = BrandClaim.objects.filter(brand=brand, member=member).first()
    if found is not None:
        if found.status == BrandClaim.Status.APPROVED:
            raise Conflict(ALREADY_MANAGER, code="already_manager")
        if found.status == BrandClaim.Status.PENDING:
            raise Conflict(ALREADY_CLAIMED, code="already_claimed")
        # Rejected before: asking again puts the claim back in staff's queue.
        found.status, found.note, found.created_at = BrandClaim.Status.PENDING, note, timezone.now()
        found.decided_at = found.decided_by = None
        found.save()
        return found
    try:
        with transaction.atomic():
            return BrandClaim.objects.create(brand=brand, member=member, note=note)
    except IntegrityError:  # the same claim sent twice at once
        raise Conflict(ALREADY_CLAIMED, code="already_claimed") from None


@transaction.atomic
def brand_claims_decide(
    *, staff: User, claim_ids: Iterable[int], approve: bool
) -> list[BrandClaim]:
    """Staff approve or reject claims (an approved one can be revoked by rejecting it). Only
    staff decide; a member never approves their own claim."""
    if not staff.is_staff:
        raise NotAllowed("Only staff decide who runs a brand's page.", code="not_staff")
    claims = list(BrandClaim.objects.select_for_update().filter(pk__in=list(claim_ids)))
    status = BrandClaim.Status.APPROVED if approve else BrandClaim.Status.REJECTED
    now = timezone.now()
    for claim in claims:
        claim.status, claim.decided_at, claim.decided_by = status, now, staff
        claim.save(update_fields=["status", "decided_at", "decided_by"])
    return claims


# --- Posts ----------------------------------------------------------------------------------


def managed_brand(member: User, brand: Brand | int | str) -> Brand:
    """The brand, if `member` runs its page; NotAllowed (the 403 page) otherwise. Everything a
    brand does (posts, campaigns, offers) is done through here first."""
    brand = brand if isinstance(brand, Brand) else _brand(brand)
    if not is_manager(member, brand):
        raise NotAllowed(
            f"Only the people who run {brand.name}'s page act for it.", code="not_manager"
        )
    return brand


@transaction.atomic
def brand_post_create(*, author: User, brand_id: int | str, text: str) -> BrandPost:
    """A manager posts on the brand's page, as the brand."""
    brand = managed_brand(author, brand_id)
    text = _text(text, BrandPost.TEXT_MAX_LENGTH, "post")
    return BrandPost.objects.create(brand=brand, author=author, text=text)


@transaction.atomic
def brand_post_delete(*, author: User, post_id: int) -> None:
    """A manager takes down one of the brand's posts (with its comments)."""
    post = BrandPost.objects.filter(pk=post_id).select_related("brand").first()
    if post is None or not is_manager(author, post.brand):
        raise NotFound("No such post.", code="no_post")
    post.delete()


# --- Fans -----------------------------------------------------------------------------------


@transaction.atomic
def fan_set(
    *,
    member: User,
    brand_id: int | str,
    audience: str | None = None,
    circle_ids: Iterable[int] = (),
    posts_in_feed: bool = False,
    campaigns: bool = False,
    offers: bool = False,
) -> Fan:
    """Become a fan of a brand, or change who sees it, whether its posts reach the feed and
    whether it may ask for feedback (`campaigns`, with `insights` allowed too) or send its offers
    (`offers`, with the `offers` consent too). Only the member
    sees it unless they choose an audience (`Audience.ONLY_ME` by default)."""
    brand = _brand(brand_id)
    audience, circles = audience_checked(
        owner=member, audience=audience or Audience.ONLY_ME, circle_ids=circle_ids
    )
    fan, _ = Fan.objects.update_or_create(
        member=member,
        brand=brand,
        defaults={
            "audience": audience,
            "posts_in_feed": bool(posts_in_feed),
            "campaigns": bool(campaigns),
            "offers": bool(offers),
        },
    )
    fan.circles.set(circles)
    return fan


@transaction.atomic
def fan_remove(*, member: User, brand_id: int | str) -> None:
    """Stop being a fan: the row goes, nothing of it is kept."""
    Fan.objects.filter(member=member, brand_id=_brand(brand_id).pk).delete()


def fans_visible_to(viewer: User | None) -> AudienceQuerySet[Fan]:
    """The fan rows `viewer` may see: each fan's own audience decides (the audience policy),
    and never for the brands `viewer` runs, where they act for the brand, which sees no fan by
    name. Every page or answer that says someone is a fan reads it through here."""
    fans = Fan.objects.visible_to(viewer)
    if viewer is None or not viewer.is_authenticated:
        return fans
    run = BrandClaim.objects.filter(member=viewer, status=BrandClaim.Status.APPROVED)
    return fans.exclude(brand_id__in=run.values("brand_id"))


def fans_seen_by(viewer: User | None, brand: Brand) -> AudienceQuerySet[Fan]:
    """The brand's fans `viewer` may see as fans (`fans_visible_to`)."""
    return fans_visible_to(viewer).filter(brand=brand)


# --- Comments -------------------------------------------------------------------------------


@transaction.atomic
def brand_comment_create(
    *,
    author: User,
    brand_id: int | str,
    text: str,
    post_id: int | str | None = None,
    audience: str | None = None,
    circle_ids: Iterable[int] = (),
) -> BrandComment:
    """Comment on a brand's page, or on one of its posts (`post_id`), for `audience` (signed-in
    members by default)."""
    brand = _brand(brand_id)
    post = None
    if post_id not in (None, ""):
        try:
            post = BrandPost.objects.get(pk=int(post_id), brand=brand, hidden=False)
        except (BrandPost.DoesNotExist, ValueError, TypeError):
            raise NotFound("No such post.", code="no_post") from None
    text = _text(text, BrandComment.TEXT_MAX_LENGTH, "comment")
    audience, circles = audience_checked(
        owner=author, audience=audience or Audience.MEMBERS, circle_ids=circle_ids
    )
    comment = BrandComment.objects.create(
        brand=brand, post=post, author=author, text=text, audience=audience
    )
    comment.circles.set(circles)
    return comment


@transaction.atomic
def brand_comment_delete(*, author: User, comment_id: int) -> None:
    """The author deletes their comment."""
    deleted, _ = BrandComment.objects.filter(pk=comment_id, author=author).delete()
    if not deleted:
        raise NotFound("No such comment.", code="no_comment")
