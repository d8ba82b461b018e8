"""What a person's expertise may be made of: only what they share with everyone who may see it.

Expertise (and the influence score built on it) is computed once for everyone, then shown to the
people a person's `influence` grant reaches: their friends, their friends of friends, or their
friends in chosen circles. So it counts only what the person shares with every one of them;
anything more would let a viewer learn, from the figure, of a review or a purchase they may not
see. `shared_with_whole_influence_scope` answers that one question, for any rows that carry an
audience and chosen circles (reviews) or a scope and chosen circles (`social_proof` grants):

- a review counts when its audience covers the whole `influence` scope, and no moderator hid it;
- a purchase counts when the buyer's `social_proof` grant covers the whole `influence` scope
  (without `social_proof`, purchases never count);
- a helpful vote counts only on a review that counts.

The full and the incremental influence runs both read `counted_reviews`, `counted_purchases` and
`counted_votes` (`recommendations.influence`). A person sees all of their own experience on their
influence page, labelled as theirs alone.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from marketplace.models import HelpfulVote, Purchase, Review
from privacy.models import ConsentState
from privacy.purposes import Purpose, Scope
from social.audience import Audience
from social.models import Circle


def _through_fields(model) -> tuple[str, str]:
    """(field to `model`, field to the circle) of `model.circles`'s many-to-many table."""
    through = model._meta.get_field("circles").remote_field.through
    fields = [f for f in through._meta.concrete_fields if f.is_relation]
    row = next(f.name for f in fields if f.related_model is model)
    circle = next(f.name for f in fields if f.related_model is Circle)
    return row, circle


def shared_with_whole_influence_scope(
    rows: QuerySet, *, owner: str, audience: str = "audience"
) -> QuerySet:
    """`rows` narrowed to those their owner shares with everyone their `influence` grant reaches.

    Each row names its owner (the foreign key `owner`), with whom it is shared (the field
    `audience`: an `Audience`, or a `Scope`, whose values are audiences too) and, for chosen
    circles, which ones (its `circles`). A row is kept when that audience covers the owner's
    `influence` scope:

    - "public" and "members" cover any scope; "friends of friends" covers all three scopes
      (friends of friends, friends, chosen circles: the circles hold friends);
    - "friends" covers a scope of friends or of chosen circles, not friends of friends;
    - chosen circles cover a scope of chosen circles only when they include every one of its
      circles;
    - "only me" covers nothing, and nothing is kept for an owner without an `influence` grant.

    Pure SQL: a few `EXISTS` per row, no Python loop."""
    owner_id = OuterRef(f"{owner}_id")
    grant = ConsentState.objects.filter(purpose=Purpose.INFLUENCE, user_id=owner_id)
    row_field, circle_field = _through_fields(rows.model)
    through = rows.model._meta.get_field("circles").remote_field.through
    row_circles = through.objects.filter(**{row_field: OuterRef(OuterRef("pk"))}).values(
        circle_field
    )
    left_out = ConsentState.circles.through.objects.filter(
        consentstate__purpose=Purpose.INFLUENCE, consentstate__user_id=owner_id
    ).exclude(circle__in=row_circles)  # a circle of the grant the row is not shared with
    covers = (
        Q(**{f"{audience}__in": [Audience.PUBLIC, Audience.MEMBERS, Audience.FOF]})
        | (
            Q(**{audience: Audience.FRIENDS})
            & Q(Exists(grant.filter(scope__in=[Scope.FRIENDS, Scope.CIRCLES])))
        )
        | (
            Q(**{audience: Audience.CIRCLES})
            & Q(Exists(grant.filter(scope=Scope.CIRCLES)))
            & ~Q(Exists(left_out))
        )
    )
    return rows.filter(covers, Exists(grant))


def counted_reviews(people) -> QuerySet:
    """The reviews by `people` (ids, or a query of them) that count in their expertise: not
    hidden by a moderator, and shared with everyone their `influence` grant reaches."""
    reviews = Review.objects.filter(hidden=False, author_id__in=people)
    return shared_with_whole_influence_scope(reviews, owner="author")


def counted_purchases(people) -> QuerySet:
    """The purchases by `people` that count in their expertise: all of a buyer's purchases when
    their `social_proof` grant covers everyone their `influence` grant reaches, else none."""
    grants = ConsentState.objects.filter(purpose=Purpose.SOCIAL_PROOF, user_id__in=people)
    sharing = shared_with_whole_influence_scope(grants, owner="user", audience="scope")
    return Purchase.objects.filter(buyer_id__in=sharing.values("user_id"))


def counted_votes(people) -> QuerySet:
    """The helpful votes that count in the expertise of `people`: those on counted reviews."""
    return HelpfulVote.objects.filter(review__in=counted_reviews(people).values("pk"))
