"""Friends who bought this: on a product page, the friends (by name) who bought or reviewed it,
and how many friends of friends did, in noisy words."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import User, Viewer
from marketplace.models import ProductModel
from privacy.releases import EXHAUSTED_SENTENCE, about, release
from recommendations.social_search.funnel import WHO_LIMIT
from recommendations.social_search.network import gated_purchases, gated_reviews, network_of
from recommendations.social_search.usage import Uses, note_use


@dataclass
class FriendsWhoBought:
    product: ProductModel
    friends: list[User]
    fof: int | None  # the noisy count of friends of friends; None: nothing said of them
    usage: Uses = field(default_factory=dict)
    beyond_note: str = ""  # why nothing is said of friends of friends: the day's budget

    @property
    def fof_words(self) -> str:
        return about(self.fof)

    @property
    def empty(self) -> bool:
        return not self.friends and self.fof is None


def friends_who_bought(viewer: Viewer, product: ProductModel) -> FriendsWhoBought:
    """Friends (by name, exactly) who bought or reviewed `product`, and friends of friends who
    did, counted with noise (`privacy.releases`, one question a day per product), each through
    the consent gate (and reviews through their audience too). Nothing is said of friends of
    friends when none of them could be counted (none consented). Four queries once the gated
    network is kept, and the release's."""
    if viewer is None or not viewer.is_authenticated:
        return FriendsWhoBought(product=product, friends=[], fof=None)
    network = network_of(viewer)
    buyers = (
        gated_purchases(viewer, network)
        .filter(product_model=product)
        .values_list("buyer_id", flat=True)
    )
    reviewers = (
        gated_reviews(viewer, network)
        .filter(product_model=product)
        .values_list("author_id", flat=True)
    )
    people = set(buyers) | set(reviewers)
    friends = list(
        User.objects.filter(pk__in=[pk for pk in network.friend_ids.ids if pk in people])
        .select_related("profile")
        .order_by("pk")
    )
    friends.sort(key=lambda p: (-network.ties.get(p.pk, 0), p.display_name.lower()))
    result = FriendsWhoBought(product=product, friends=friends[:WHO_LIMIT], fof=None)
    fof_ids = people & network.fof
    if network.consenting_graph.fof:
        released = release(
            viewer,
            ("bought-this", product.pk),
            lambda noise: {
                "fof": noise.counts([len(fof_ids)], sensitivity=1, epsilon=noise.epsilon)[0]
            },
        )
        if released.value is not None:
            result.fof = released.value["fof"]
            if not released.repeated:
                for pk in fof_ids:
                    note_use(result.usage, pk)
        elif released.exhausted:
            result.beyond_note = EXHAUSTED_SENTENCE
    for person in result.friends:
        note_use(result.usage, person.pk)
    return result
