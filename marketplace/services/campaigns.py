"""Product feedback campaigns: a brand's managers ask, invited members answer, everyone sees the
same noisy totals.

Who is asked: members who allow `insights` (anonymous totals shown to brands) and asked the
brand for it (`Fan.campaigns`), both read at every request, so withdrawing either hides the
campaign at once; nobody else ever sees it (`offered_to`, `access_campaign`: a 404). Joining is
explicit (`campaign_answer`); a participant changes or withdraws their answer until it closes.

What the brand learns: `results`, drawn once a day per campaign with discrete Laplace noise
(ε `PRIVACY_EPSILON_PER_FIGURE`, split between the answers and the joins by day) and shown the
same to managers and participants; nothing at all until the noisy number of participants
reaches the campaign's `min_participants`. Each participant is in one answer count and one day
count, so one person moves each set of counts by at most one.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User, Viewer
from config.errors import DomainError, NotFound
from marketplace.models import (
    Brand,
    Campaign,
    CampaignChoice,
    CampaignEntry,
    CampaignFigure,
    Category,
    CategoryInterest,
    Fan,
)
from marketplace.services.brands import is_manager, managed_brand
from marketplace.services.interests import interest_categories
from privacy.consent import granted
from privacy.purposes import Purpose
from privacy.releases import Draw, question_key, sampler, today

CHOICES_MIN, CHOICES_MAX = 2, 8
LONGEST_DAYS = 90
RATINGS = (1, 2, 3, 4, 5)


# --- Who sees a campaign ----------------------------------------------------------------------


def invited(campaigns: QuerySet[Campaign], member: Viewer) -> QuerySet[Campaign]:
    """`campaigns` narrowed to those offered to `member`: they allow `insights`, and asked the
    campaign's brand for feedback or asked about its category (or one above it)."""
    if not isinstance(member, User) or not member.is_authenticated or not member.is_active:
        return campaigns.none()
    if not granted(member, Purpose.INSIGHTS):
        return campaigns.none()
    asked = Fan.objects.filter(member=member, brand_id=OuterRef("brand_id"), campaigns=True)
    about = interest_categories(member, CategoryInterest.Purpose.FEEDBACK)
    return campaigns.filter(Q(Exists(asked)) | Q(category_id__in=about))


def offered_to(member: Viewer, *, brand: Brand | None = None) -> list[Campaign]:
    """Open campaigns offered to `member` (of `brand` only, if given), soonest closing first."""
    now = timezone.now()
    open_now = Campaign.objects.filter(starts_at__lte=now, ends_at__gt=now)
    if brand is not None:
        open_now = open_now.filter(brand=brand)
    return list(invited(open_now, member).select_related("brand").order_by("ends_at", "id"))


@dataclass
class CampaignView:
    campaign: Campaign
    manager: bool  # the viewer runs the brand's page
    entry: CampaignEntry | None  # the viewer's own answer


def access_campaign(viewer: Viewer, campaign_id: int | str) -> CampaignView:
    """The campaign, for its brand's managers and the members it is offered to (or who answered
    it while it was offered); Http404 for anyone else, as if it did not exist."""
    try:
        campaign = Campaign.objects.select_related("brand").get(pk=int(campaign_id))
    except (Campaign.DoesNotExist, ValueError, TypeError):
        raise Http404("No such campaign.") from None
    if not isinstance(viewer, User) or not viewer.is_authenticated:
        raise Http404("No such campaign.")
    manager = is_manager(viewer, campaign.brand)
    offered = invited(Campaign.objects.filter(pk=campaign.pk), viewer).exists()
    if not (manager or offered):
        raise Http404("No such campaign.")
    entry = CampaignEntry.objects.filter(campaign=campaign, member=viewer).first()
    return CampaignView(campaign=campaign, manager=manager, entry=entry)


# --- Running one ------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    manager: User,
    brand_id: int,
    kind: str,
    title: str,
    question: str,
    choices: Sequence[str] = (),
    ends_at: datetime.datetime,
    starts_at: datetime.datetime | None = None,
    category_id: int | str | None = None,
) -> Campaign:
    """A brand's manager starts a campaign: a poll (2 to 8 choices) or a concept to rate (1 to 5
    stars), for up to `LONGEST_DAYS` days."""
    managed_brand(manager, brand_id)
    if kind not in Campaign.Kind.values:
        raise DomainError("Choose a poll or a concept to rate.", code="bad_kind", field="kind")
    title, question = (title or "").strip(), (question or "").strip()
    if not title or len(title) > Campaign.TITLE_MAX_LENGTH:
        raise DomainError(
            f"Give it a title of up to {Campaign.TITLE_MAX_LENGTH} characters.",
            code="bad_title",
            field="title",
        )
    if not question or len(question) > Campaign.QUESTION_MAX_LENGTH:
        raise DomainError(
            f"Ask your question in up to {Campaign.QUESTION_MAX_LENGTH:,} characters.",
            code="bad_question",
            field="question",
        )
    labels = [label.strip() for label in choices if label and label.strip()]
    if kind == Campaign.Kind.POLL:
        if not CHOICES_MIN <= len(labels) <= CHOICES_MAX or len(set(labels)) != len(labels):
            raise DomainError(
                f"Give {CHOICES_MIN} to {CHOICES_MAX} different choices.",
                code="bad_choices",
                field="choices",
            )
        if any(len(label) > CampaignChoice.LABEL_MAX_LENGTH for label in labels):
            raise DomainError("Keep each choice short.", code="bad_choices", field="choices")
    elif labels:
        raise DomainError(
            "Only a poll has choices: a concept is rated from 1 to 5 stars, an idea board "
            "gathers ideas.",
            code="bad_choices",
            field="choices",
        )
    category = None
    if category_id not in (None, ""):
        try:
            category = Category.objects.get(pk=int(category_id))
        except (Category.DoesNotExist, ValueError, TypeError):
            raise DomainError("Choose a category from the list.", code="bad_category") from None
    starts_at = starts_at or timezone.now()
    if not starts_at < ends_at <= starts_at + datetime.timedelta(days=LONGEST_DAYS):
        raise DomainError(
            f"End it after it starts, within {LONGEST_DAYS} days.", code="bad_end", field="ends_at"
        )
    campaign = Campaign.objects.create(
        brand_id=brand_id,
        kind=kind,
        title=title,
        question=question,
        category=category,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=manager,
    )
    CampaignChoice.objects.bulk_create(
        CampaignChoice(campaign=campaign, label=label, position=index)
        for index, label in enumerate(labels)
    )
    return campaign


# --- Taking part ------------------------------------------------------------------------------


def _open_for(member: User, campaign_id: int | str) -> Campaign:
    try:
        pk = int(campaign_id)
    except (ValueError, TypeError):
        raise NotFound("No such campaign.", code="no_campaign") from None
    campaign = invited(Campaign.objects.filter(pk=pk), member).select_for_update().first()
    if campaign is None:
        raise NotFound("No such campaign.", code="no_campaign")
    if not campaign.is_open:
        raise DomainError("This campaign is closed: answers can no longer change.", code="closed")
    return campaign


@transaction.atomic
def campaign_answer(
    *,
    member: User,
    campaign_id: int | str,
    choice_id: int | str | None = None,
    rating: int | str | None = None,
    idea: str | None = None,
) -> CampaignEntry:
    """Join a campaign offered to `member`, or change the answer: a choice of a poll, 1 to 5
    stars for a concept, or an idea for an idea board."""
    campaign = _open_for(member, campaign_id)
    values: dict[str, object]
    if campaign.kind == Campaign.Kind.POLL:
        try:
            choice = campaign.choices.get(pk=int(choice_id))  # type: ignore[arg-type]
        except (CampaignChoice.DoesNotExist, ValueError, TypeError):
            raise DomainError("Choose one of the answers.", code="no_choice") from None
        values = {"choice": choice, "rating": None, "idea": ""}
    elif campaign.kind == Campaign.Kind.IDEAS:
        text = (idea or "").strip()
        if not text or len(text) > CampaignEntry.IDEA_MAX_LENGTH:
            raise DomainError(
                f"Write your idea in up to {CampaignEntry.IDEA_MAX_LENGTH} characters.",
                code="bad_idea",
            )
        values = {"choice": None, "rating": None, "idea": text}
    else:
        try:
            stars = int(rating)  # type: ignore[arg-type]
        except (ValueError, TypeError):
            stars = 0
        if stars not in RATINGS:
            raise DomainError("Rate it from 1 to 5 stars.", code="bad_rating")
        values = {"choice": None, "rating": stars, "idea": ""}
    try:
        with transaction.atomic():
            entry, _ = CampaignEntry.objects.update_or_create(
                campaign=campaign, member=member, defaults=values
            )
    except IntegrityError:  # the same first answer sent twice at once
        entry = CampaignEntry.objects.get(campaign=campaign, member=member)
    return entry


@transaction.atomic
def campaign_withdraw(*, member: User, campaign_id: int | str) -> None:
    """Take one's answer back, while the campaign is open: nothing of it is kept (a figure drawn
    earlier today still shows until tomorrow's, as noisy totals)."""
    campaign = _open_for(member, campaign_id)
    CampaignEntry.objects.filter(campaign=campaign, member=member).delete()


# --- Results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Results:
    """What anyone shown the campaign's results sees: nothing (`enough` False) below the
    minimum; else the noisy number of participants, the share of each answer (choices, or 1 to
    5 stars) and the noisy joins per day."""

    enough: bool
    participants: int = 0
    answers: tuple[tuple[str, int, int], ...] = ()  # (label, noisy count, share %)
    by_day: tuple[tuple[datetime.date, int], ...] = ()  # (day, noisy joins)
    average: float | None = None  # concepts: the mean of the noisy star counts
    ideas: tuple[str, ...] = ()  # idea boards: the ideas standing now, without names or dates


def _labels(campaign: Campaign) -> list[tuple[int, str]]:
    if campaign.kind == Campaign.Kind.POLL:
        return [(choice.pk, choice.label) for choice in campaign.choices.all()]
    if campaign.kind == Campaign.Kind.IDEAS:
        return []  # nothing to count but the people: the days say how many
    return [(stars, f"{stars} star{'s' if stars > 1 else ''}") for stars in RATINGS]


def _draw(campaign: Campaign) -> dict[str, object]:
    entries = list(
        CampaignEntry.objects.filter(campaign=campaign).values_list(
            "choice_id", "rating", "created_at"
        )
    )
    labels = _labels(campaign)
    answered: Counter[int] = Counter(
        choice if choice is not None else rating for choice, rating, _ in entries
    )
    first = timezone.localdate(campaign.starts_at)
    last = min(timezone.localdate(campaign.ends_at), today())
    days = [first + datetime.timedelta(days=n) for n in range(max(0, (last - first).days) + 1)]
    joined = Counter(timezone.localdate(created) for _, _, created in entries)
    epsilon = settings.PRIVACY_EPSILON_PER_FIGURE
    draw = Draw(epsilon, delta=settings.PRIVACY_DELTA, using=sampler())
    true = [answered[key] for key, _ in labels]
    counts = draw.counts(true, sensitivity=1, epsilon=epsilon / 2) if labels else []
    per_day = draw.counts([joined[day] for day in days], sensitivity=1, epsilon=epsilon / 2)
    return {
        "answers": [[label, count] for (_, label), count in zip(labels, counts, strict=True)],
        "by_day": [[day.isoformat(), count] for day, count in zip(days, per_day, strict=True)],
    }


def results(campaign: Campaign) -> Results:
    """Today's results of `campaign`, the same for everyone shown them: the figure drawn today,
    else drawn now and kept. Below `min_participants` (noisy), nothing."""
    day = today()
    figure = CampaignFigure.objects.filter(campaign=campaign, day=day).first()
    if figure is None:
        answer = _draw(campaign)
        CampaignFigure.objects.bulk_create(
            [
                CampaignFigure(
                    campaign=campaign,
                    day=day,
                    answer=answer,
                    epsilon=settings.PRIVACY_EPSILON_PER_FIGURE,
                )
            ],
            ignore_conflicts=True,
        )
        figure = CampaignFigure.objects.get(campaign=campaign, day=day)
    answers = [(str(label), int(count)) for label, count in figure.answer["answers"]]
    by_day = tuple(
        (datetime.date.fromisoformat(day), int(count)) for day, count in figure.answer["by_day"]
    )
    counted = answers if campaign.kind != Campaign.Kind.IDEAS else by_day
    participants = sum(count for _, count in counted)
    if participants < campaign.min_participants:
        return Results(enough=False)
    shares = tuple((label, count, round(100 * count / participants)) for label, count in answers)
    average = None
    if campaign.kind == Campaign.Kind.CONCEPT:
        average = round(
            sum(stars * n for stars, (_, n) in zip(RATINGS, answers, strict=True)) / participants, 1
        )
    ideas: tuple[str, ...] = ()
    if campaign.kind == Campaign.Kind.IDEAS:
        # The ideas standing now (a withdrawn one is gone), in an order that says nothing of
        # who wrote them or when.
        rows = CampaignEntry.objects.filter(campaign=campaign).values_list("pk", "idea")
        ideas = tuple(text for _, text in sorted(rows, key=lambda row: question_key([day, row[0]])))
    return Results(
        enough=True,
        participants=participants,
        answers=shares,
        by_day=by_day,
        average=average,
        ideas=ideas,
    )
