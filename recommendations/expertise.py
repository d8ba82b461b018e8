"""What a person's expertise may be made of: only what they share with everyone who may see it.

Expertise (and the influence score built on it) is computed once for everyone, then shown to the
people a person's `influence` grant reaches: their friends, their friends of friends, or their
friends in chosen circles. So it counts only what the person shares with every one of them;
anything more would let a viewer learn, from the figure, of a review or a purchase they may not
see. The consent gate's `shares_with_whole_scope` answers that one question (with the
`influence` grant's scope), for any rows that carry an audience and chosen circles (reviews) or a
scope and chosen circles (`social_proof` grants):

- a review counts when its audience covers the whole `influence` scope, and no moderator hid it;
- a purchase counts when the buyer's `social_proof` grant covers the whole `influence` scope
  (without `social_proof`, purchases never count);
- a helpful vote counts only on a review that counts.

The full and the incremental influence runs both read `counted_reviews`, `counted_purchases` and
`counted_votes` (`recommendations.influence`). A person sees all of their own experience on their
influence page, labelled as theirs alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, QuerySet

from marketplace.models import HelpfulVote, Purchase, Review
from privacy.consent import grants_of, shares_with_whole_scope
from privacy.purposes import Purpose


def shared_with_whole_influence_scope[M: Model](
    rows: QuerySet[M], *, owner: str, audience: str = "audience"
) -> QuerySet[M]:
    """`rows` narrowed to those their owner shares with everyone their `influence` grant
    reaches (`privacy.consent.shares_with_whole_scope`)."""
    return shares_with_whole_scope(rows, Purpose.INFLUENCE, owner=owner, audience=audience)


def counted_reviews(people: Iterable[int]) -> QuerySet[Review]:
    """The reviews by `people` (ids, or a query of them) that count in their expertise: not
    hidden by a moderator, and shared with everyone their `influence` grant reaches."""
    reviews = Review.objects.filter(hidden=False, author_id__in=people)
    return shared_with_whole_influence_scope(reviews, owner="author")


def counted_purchases(people: Iterable[int]) -> QuerySet[Purchase]:
    """The purchases by `people` that count in their expertise: all of a buyer's purchases when
    their `social_proof` grant covers everyone their `influence` grant reaches, else none."""
    grants = grants_of(Purpose.SOCIAL_PROOF, people)
    sharing = shared_with_whole_influence_scope(grants, owner="user", audience="scope")
    return Purchase.objects.filter(buyer_id__in=sharing.values("user_id"))


def counted_votes(people: Iterable[int]) -> QuerySet[HelpfulVote]:
    """The helpful votes that count in the expertise of `people`: those on counted reviews."""
    return HelpfulVote.objects.filter(review__in=counted_reviews(people).values("pk"))
