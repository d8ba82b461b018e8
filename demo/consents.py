"""The demo community's consents and what they unlock, so the "bike" story shows on a demo login.

Demo people are seeded without any consent (every purpose starts off). `seed_consents` has most
of them grant, as at onboarding, `social_proof` to friends of friends and `influence` to friends;
every seventh person of the roster grants nothing, so the demo also shows people who are never
counted. The few cyclists among Anna's friends of friends who review bikes grant `influence` to
friends of friends instead, and as they do, share their bike reviews kept to friends with friends
of friends too (expertise counts only what is shared with everyone who may see it), so Anna's
trusted voices in Bikes include someone reached through a friend ("Via Emily, who is in your
Cycling club").

Then Anna's friends who bought a bike, or are into cycling, say so in a post to their friends
(`seed_bike_talk`), so "talked about bikes" is the widest step of her funnel; Anna turns on
recommendations for herself (`seed_personalization`), so "For you" has something to explain; and
the influence scores are computed once (`seed_influence`), so trusted voices and "Your influence"
show at once rather than after the next Celery run.

Idempotent: a purpose someone already granted (or later changed on their dashboard) is left alone
and nothing is ever withdrawn here; a friend who already talks about bikes where Anna can see it
writes nothing more; scores are computed only when no run has succeeded yet.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from demo.people import ANNA, demo_step, demo_users
from marketplace.models import Purchase, Review
from marketplace.services.reviews import review_update
from privacy.models import ConsentRecord, ConsentState
from privacy.purposes import Purpose, Scope
from privacy.services.consent import consent_grant
from recommendations.influence import influence_run
from recommendations.models import InfluenceRun, InfluenceScore
from social.audience import Audience
from social.models import Friendship, Post, PostTag
from social.services.posts import NewPost, posts_create

GRANTS = ((Purpose.SOCIAL_PROOF, Scope.FOF), (Purpose.INFLUENCE, Scope.FRIENDS))
ABSTAIN_EVERY = 7  # every seventh person (by email) keeps everything off
WIDER_VOICES = 3  # bike reviewers among Anna's friends of friends who are voices beyond friends
BIKE_TOPIC = "bikes"  # the topic (social.Topic slug) of the story


def consenting(people: dict) -> list:
    """Most demo people, in a fixed order; Anna always among them."""
    ordered = [people[email] for email in sorted(people)]
    return [
        person
        for index, person in enumerate(ordered)
        if person.email == ANNA.email or index % ABSTAIN_EVERY != ABSTAIN_EVERY - 1
    ]


def _friend_ids(user_ids) -> set[int]:
    return set(Friendship.objects.filter(user_id__in=user_ids).values_list("friend_id", flat=True))


def wider_voices(anna, people: list) -> set[int]:
    """The consenting people, beyond Anna's friends but friends of one of them, who wrote the
    most bike reviews (at most `WIDER_VOICES`, ties by email)."""
    if anna is None:
        return set()
    friends = _friend_ids([anna.pk])
    beyond = _friend_ids(friends) - friends - {anna.pk}
    candidates = {person.pk: person.email for person in people if person.pk in beyond}
    reviews = (
        Review.objects.filter(
            author_id__in=candidates, product_model__category__topic__slug=BIKE_TOPIC
        )
        .values("author_id")
        .annotate(n=Count("id"))
    )
    ranked = sorted(reviews, key=lambda row: (-row["n"], candidates[row["author_id"]]))
    return {row["author_id"] for row in ranked[:WIDER_VOICES]}


def share_bike_reviews_with_friends_of_friends(person) -> int:
    """A voice for friends of friends widens their bike reviews kept to friends or circles to
    friends of friends (through the review service), so that those reviews count in the
    expertise their friends of friends see. Returns how many."""
    narrow = list(
        Review.objects.filter(
            author=person,
            product_model__category__topic__slug=BIKE_TOPIC,
            audience__in=[Audience.FRIENDS, Audience.CIRCLES],
        ).values_list("pk", flat=True)
    )
    for review_id in narrow:
        review_update(author=person, review_id=review_id, audience=Audience.FOF, circle_ids=[])
    return len(narrow)


@demo_step
def seed_consents() -> str:
    people = consenting(demo_users())
    anna = next((person for person in people if person.email == ANNA.email), None)
    wider = wider_voices(anna, people)
    held = set(ConsentState.objects.filter(user__in=people).values_list("user_id", "purpose"))
    new = 0
    for person in people:
        for purpose, scope in GRANTS:
            if (person.pk, purpose) in held:
                continue
            if purpose == Purpose.INFLUENCE and person.pk in wider:
                scope = Scope.FOF
                share_bike_reviews_with_friends_of_friends(person)
            consent_grant(
                user=person, purpose=purpose, scope=scope, method=ConsentRecord.Method.ONBOARDING
            )
            new += 1
    return f"Consents: social proof and trusted voice for {len(people)} people ({new} new)"


# What a friend of Anna's says about bikes: with a bike bought, about that bike (`{thing}`);
# without one, a question. Each line names a bike, so the post is tagged with the topic.
BOUGHT_LINES = (
    "Six months on my {thing} and it is the best bike I have owned. Happy to let anyone try it.",
    "Rode my {thing} to work every day this week. Who knew a bike could replace the bus?",
    "Took the {thing} out for a long loop on Sunday. Still grinning. #cycling",
    "If you are hesitating over a {thing}: I was too. Ask me anything about the bike.",
)
ASKING_LINES = (
    "Thinking about a new bike this spring. What are you all riding?",
    "Gravel bike or road bike for commuting and the odd weekend ride? #bikes",
)


def _talks_about_bikes(anna) -> set[int]:
    """Authors of posts about bikes that Anna may see."""
    tagged = PostTag.objects.filter(tag=BIKE_TOPIC).values("post_id")
    return set(
        Post.objects.visible_to(anna).filter(pk__in=tagged).values_list("author_id", flat=True)
    )


@demo_step
def seed_bike_talk() -> str:
    people = demo_users()
    anna = people.get(ANNA.email)
    if anna is None:
        return "Bike talk: no Anna (0 new)"
    friends = Friendship.objects.filter(user=anna, friend__is_active=True).order_by("friend_id")
    friend_ids = list(friends.values_list("friend_id", flat=True))
    talking = _talks_about_bikes(anna) & set(friend_ids)
    bikes = Purchase.objects.filter(
        buyer_id__in=friend_ids,
        product_model__category__topic__slug=BIKE_TOPIC,
    ).select_related("product_model__brand")
    bike_of = {}
    for purchase in bikes.order_by("purchased_on", "pk"):
        bike_of[purchase.buyer_id] = purchase.product_model  # the latest one
    cyclists = set(
        friends.filter(
            Q(friend__profile__interests__slug="cycling") | Q(friend_id__in=list(bike_of))
        ).values_list("friend_id", flat=True)
    )
    by_id = {user.pk: user for user in people.values()}
    now, posts = timezone.now(), []
    for index, friend_id in enumerate(friend_ids):
        if friend_id not in cyclists or friend_id in talking or friend_id not in by_id:
            continue
        author = by_id[friend_id]
        product = bike_of.get(friend_id)
        if product is not None:
            text = BOUGHT_LINES[index % len(BOUGHT_LINES)].format(thing=product)
        else:
            text = ASKING_LINES[index % len(ASKING_LINES)]
        when = now - timedelta(days=3 + 5 * index, hours=index)
        posts.append(NewPost(author.pk, text, "friends", at=when))
    new = len(posts_create(posts=posts))
    return f"Bike talk: {len(talking) + new} of Anna's friends talk about bikes ({new} new)"


@demo_step
def seed_personalization() -> str:
    anna = demo_users().get(ANNA.email)
    if (
        anna is None
        or ConsentState.objects.filter(user=anna, purpose=Purpose.PERSONALIZATION).exists()
    ):
        return "Recommendations for Anna: on (0 new)"
    consent_grant(
        user=anna,
        purpose=Purpose.PERSONALIZATION,
        method=ConsentRecord.Method.ONBOARDING,
    )
    return "Recommendations for Anna: on (1 new)"


@demo_step
def seed_influence() -> str:
    if InfluenceRun.objects.filter(status=InfluenceRun.Status.SUCCEEDED).exists():
        return f"Influence scores: {InfluenceScore.objects.count()} (already computed)"
    run = influence_run(kind=InfluenceRun.Kind.FULL)
    return f"Influence scores: {InfluenceScore.objects.count()} for {run.people} people (computed)"
