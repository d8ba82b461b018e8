"""The brand side: brand pages, claims and managers, fans with their own audience, comments, and
the network's reviews of a brand through the social search's gates."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.errors import Conflict, DomainError, NotAllowed, NotFound
from marketplace.models import BrandClaim, BrandComment, BrandPost, Fan
from marketplace.selectors.brands import brand_page
from marketplace.services.brands import (
    brand_claim,
    brand_claims_decide,
    brand_comment_create,
    brand_comment_delete,
    brand_post_create,
    fan_remove,
    fan_set,
    fans_seen_by,
    is_manager,
)
from privacy.models import ErasureRequest, ExportRequest
from privacy.purposes import Purpose
from privacy.services.erasure import erasure_request, purge_user
from privacy.services.exports import export_request
from recommendations.social_search import social_search
from recommendations.social_search.brands import brand_network_reviews
from social.audience import Audience
from social.services.blocks import block_create
from tests.factories import make_admin, make_product, marlin_for_sale, person, with_home
from tests.factories.brands import brand_manager
from tests.factories.people import PASSWORD
from tests.factories.reviews import make_review
from tests.factories.social import consent, friends

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    john, anna, bea, stranger = (person(n) for n in ("John", "Anna", "Bea", "Stranger"))
    friends(john, anna)  # Anna is John's friend; Bea is Anna's friend, John's friend of a friend
    friends(anna, bea)
    return {"john": john, "anna": anna, "bea": bea, "stranger": stranger}


# --- Fans -------------------------------------------------------------------------------------


def test_being_a_fan_is_seen_by_the_fan_alone_by_default(trek, people):
    john, anna = people["john"], people["anna"]
    fan = fan_set(member=john, brand_id=trek.pk)
    assert fan.audience == Audience.ONLY_ME and not fan.posts_in_feed
    mia = brand_manager(trek)
    assert list(fans_seen_by(john, trek)) == [fan]
    for viewer in (anna, mia, people["stranger"], None):
        assert not fans_seen_by(viewer, trek).exists()


def test_a_fan_chooses_who_sees_it(trek, people):
    john, anna, bea = people["john"], people["anna"], people["bea"]
    fan_set(member=john, brand_id=trek.pk, audience=Audience.FRIENDS, posts_in_feed=True)
    assert fans_seen_by(anna, trek).get().member == john
    assert not fans_seen_by(bea, trek).exists()  # a friend of a friend only
    assert Fan.objects.get(member=john).posts_in_feed
    fan_set(member=john, brand_id=trek.pk, audience=Audience.ONLY_ME)  # changed back
    assert not fans_seen_by(anna, trek).exists()
    assert Fan.objects.filter(member=john).count() == 1


def test_a_manager_never_sees_fans_as_the_brand(trek, people):
    john = people["john"]
    mia = brand_manager(trek)
    fan_set(member=john, brand_id=trek.pk, audience=Audience.FRIENDS)
    assert not fans_seen_by(mia, trek).exists()
    page = brand_page(mia, trek)
    assert page.manager and page.fan is None


def test_a_fan_cannot_choose_someone_elses_circles(trek, people):
    john, anna = people["john"], people["anna"]
    anna_circle = anna.circles.first()
    with pytest.raises(DomainError):
        fan_set(
            member=john, brand_id=trek.pk, audience=Audience.CIRCLES, circle_ids=[anna_circle.pk]
        )
    assert not Fan.objects.exists()


def test_stopping_being_a_fan_leaves_nothing(trek, people):
    fan_set(member=people["john"], brand_id=trek.pk)
    fan_remove(member=people["john"], brand_id=trek.pk)
    assert not Fan.objects.exists()
    with pytest.raises(NotFound):
        fan_set(member=people["john"], brand_id=999_999)


# --- Claims, managers, posts --------------------------------------------------------------------


def test_a_claim_waits_for_staff_and_an_approved_one_runs_the_page(trek, people):
    john = people["john"]
    claim = brand_claim(member=john, brand_id=trek.pk, note="I work there")
    assert claim.status == BrandClaim.Status.PENDING and not is_manager(john, trek)
    with pytest.raises(Conflict):
        brand_claim(member=john, brand_id=trek.pk)
    with pytest.raises(NotAllowed):
        brand_claims_decide(staff=john, claim_ids=[claim.pk], approve=True)
    with pytest.raises(NotAllowed):
        brand_post_create(author=john, brand_id=trek.pk, text="Hello")
    brand_claims_decide(staff=make_admin(), claim_ids=[claim.pk], approve=True)
    assert is_manager(john, trek)
    post = brand_post_create(author=john, brand_id=trek.pk, text="New Marlin colours")
    assert post.brand == trek and post.author == john
    brand_claims_decide(staff=make_admin("Ada Two"), claim_ids=[claim.pk], approve=False)
    assert not is_manager(john, trek)  # a manager removed
    again = brand_claim(member=john, brand_id=trek.pk)  # asking again after a rejection
    assert again.pk == claim.pk and again.status == BrandClaim.Status.PENDING


def test_posts_and_comments_refuse_empty_or_long_text(trek, people):
    mia = brand_manager(trek)
    with pytest.raises(DomainError):
        brand_post_create(author=mia, brand_id=trek.pk, text="   ")
    with pytest.raises(DomainError):
        brand_comment_create(author=people["john"], brand_id=trek.pk, text="x" * 1001)
    assert not BrandPost.objects.exists() and not BrandComment.objects.exists()


# --- Comments ----------------------------------------------------------------------------------


def test_comments_follow_their_audience_and_blocks(trek, people):
    john, anna, stranger = people["john"], people["anna"], people["stranger"]
    mia = brand_manager(trek)
    post = brand_post_create(author=mia, brand_id=trek.pk, text="Ride report?")
    members = brand_comment_create(author=john, brand_id=trek.pk, post_id=post.pk, text="Love it")
    for_friends = brand_comment_create(
        author=john, brand_id=trek.pk, text="Between us", audience=Audience.FRIENDS
    )
    assert members.audience == Audience.MEMBERS
    assert [c.pk for c in brand_page(stranger, trek).posts[0].comments.all()] == [members.pk]
    assert brand_page(stranger, trek).comments == []
    assert brand_page(anna, trek).comments == [for_friends]
    assert brand_page(mia, trek).comments == []  # the manager is nobody's friend here
    block_create(blocker=john, blocked=stranger)
    assert list(brand_page(stranger, trek).posts[0].comments.all()) == []
    assert brand_page(None, trek).comments == []  # visitors see no members' comments
    with pytest.raises(NotFound):
        brand_comment_delete(author=anna, comment_id=members.pk)
    brand_comment_delete(author=john, comment_id=members.pk)
    assert not BrandComment.objects.filter(pk=members.pk).exists()


# --- The network's reviews ----------------------------------------------------------------------


def test_the_networks_reviews_pass_the_social_search_gates(trek, people):
    john, anna, bea = people["john"], people["anna"], people["bea"]
    marlin = make_product()
    make_review(anna, marlin, audience="friends", title="Anna on the Marlin")
    make_review(bea, marlin, audience="fof", title="Bea on the Marlin")
    assert brand_network_reviews(john, trek).reviews == []  # nobody consented yet
    consent(anna, purpose=Purpose.SOCIAL_PROOF)
    consent(bea, purpose=Purpose.SOCIAL_PROOF)
    found = brand_network_reviews(john, trek)
    assert [(i.review.title, i.relation, i.fan) for i in found.reviews] == [
        ("Anna on the Marlin", "friend", False),
        ("Bea on the Marlin", "fof", False),
    ]
    assert set(found.usage) == {anna.pk, bea.pk}
    fan_set(member=anna, brand_id=trek.pk)  # only me: John does not learn it
    assert not brand_network_reviews(john, trek).reviews[0].fan
    fan_set(member=anna, brand_id=trek.pk, audience=Audience.FRIENDS)
    assert brand_network_reviews(john, trek).reviews[0].fan
    assert brand_network_reviews(None, trek).reviews == []
    # John comes to run Trek's page: there he acts for the brand, which sees no fan by name.
    claim = brand_claim(member=john, brand_id=trek.pk)
    brand_claims_decide(staff=make_admin(), claim_ids=[claim.pk], approve=True)
    found = brand_network_reviews(john, trek)
    assert found.reviews[0].review.author == anna and not found.reviews[0].fan


# --- The page ---------------------------------------------------------------------------------


def test_the_page_lists_models_posts_and_listings_near_the_viewer(client, trek, people):
    john = with_home(people["john"], (45.7640, 4.8357))  # Lyon
    seller = people["stranger"]
    listing = marlin_for_sale(seller)
    marlin_for_sale(seller, place="Lille", latitude="50.62925", longitude="3.05726")  # too far
    mia = brand_manager(trek)
    brand_post_create(author=mia, brand_id=trek.pk, text="Spring service tips")
    page = brand_page(john, trek)
    assert page.near_home and [item.pk for item in page.listings] == [listing.pk]
    assert len(brand_page(people["anna"], trek).listings) == 2  # no home: the newest, anywhere
    client.force_login(john)
    response = client.get(reverse("marketplace:brand", args=[trek.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Marlin 7" in body and "Spring service tips" in body and "For sale near you" in body
    assert "Mia Manager" not in body  # the brand speaks, not its manager
    fan_form = body[body.index('id="fan"') :]
    only_me = re.search(r'<option value="only_me"[^>]*>', fan_form)
    assert only_me is not None and "selected" in only_me.group(0)  # the default offered


def test_becoming_a_fan_and_commenting_through_the_page(client, trek, people):
    john = people["john"]
    client.force_login(john)
    url = reverse("marketplace:brand_fan", args=[trek.slug])
    response = client.post(url, {"audience": "only_me", "posts_in_feed": "on"})
    assert response.status_code == 302
    fan = Fan.objects.get(member=john)
    assert fan.audience == "only_me" and fan.posts_in_feed
    response = client.post(
        reverse("marketplace:brand_comment", args=[trek.slug]),
        {"text": "My Marlin after 1,000 km", "audience": "members"},
    )
    assert response.status_code == 302
    assert BrandComment.objects.get().text == "My Marlin after 1,000 km"
    bad = client.post(url, {"audience": "nobody"})
    assert bad.status_code == 400 and Fan.objects.get(member=john).audience == "only_me"
    refused = client.post(reverse("marketplace:brand_post", args=[trek.slug]), {"text": "Hi"})
    assert refused.status_code == 403 and not BrandPost.objects.exists()
    client.post(reverse("marketplace:brand_unfan", args=[trek.slug]))
    assert not Fan.objects.exists()


def test_every_brand_has_a_page_and_the_list_links_them(client, trek):
    response = client.get(reverse("marketplace:brands"))
    assert response.status_code == 200
    assert reverse("marketplace:brand", args=[trek.slug]) in response.content.decode()
    assert client.get(reverse("marketplace:brand", args=["no-such-brand"])).status_code == 404


def test_brand_posts_reach_the_feed_of_fans_who_asked_only(client, trek, people):
    john, anna = people["john"], people["anna"]
    mia = brand_manager(trek)
    brand_post_create(author=mia, brand_id=trek.pk, text="Trek spring service tips")
    fan_set(member=john, brand_id=trek.pk, posts_in_feed=True)
    fan_set(member=anna, brand_id=trek.pk, posts_in_feed=False)
    feed = reverse("social:feed")
    client.force_login(john)
    assert "Trek spring service tips" in client.get(feed).content.decode()
    client.force_login(anna)
    assert "Trek spring service tips" not in client.get(feed).content.decode()
    client.force_login(people["stranger"])
    assert "Trek spring service tips" not in client.get(feed).content.decode()


# --- Export and erasure ------------------------------------------------------------------------


def test_the_brand_side_is_in_the_export_and_goes_or_stays_at_erasure(
    trek, people, django_capture_on_commit_callbacks
):
    john = people["john"]
    fan_set(member=john, brand_id=trek.pk, audience=Audience.FRIENDS, posts_in_feed=True)
    brand_comment_create(author=john, brand_id=trek.pk, text="JOHN_COMMENT")
    claim = brand_claim(member=john, brand_id=trek.pk, note="JOHN_NOTE")
    brand_claims_decide(staff=make_admin(), claim_ids=[claim.pk], approve=True)
    post = brand_post_create(author=john, brand_id=trek.pk, text="JOHN_AS_TREK")

    with django_capture_on_commit_callbacks(execute=True):
        export = export_request(user=john)
    export.refresh_from_db()
    assert export.status == ExportRequest.Status.READY, export.error
    with export.file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))

    def rows(kind: str) -> list[dict]:
        return json.loads(archive.read(f"{kind}.json"))

    fandom = rows("marketplace_fan_of")
    assert [(f["brand"], f["seen_by"], f["brand_posts_in_feed"]) for f in fandom] == [
        ("Trek", "Friends", True)
    ]
    assert [c["text"] for c in rows("marketplace_brand_comments")] == ["JOHN_COMMENT"]
    assert [c["note"] for c in rows("marketplace_brand_claims")] == ["JOHN_NOTE"]
    assert [p["text"] for p in rows("marketplace_brand_posts")] == ["JOHN_AS_TREK"]

    erasure = erasure_request(user=john, password=PASSWORD)
    ErasureRequest.objects.filter(pk=erasure.pk).update(
        purge_after=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_user(erasure).status == ErasureRequest.Status.COMPLETED
    assert not Fan.objects.exists()
    assert not BrandComment.objects.exists()
    assert not BrandClaim.objects.exists()
    post.refresh_from_db()
    assert post.author is None and post.text == "JOHN_AS_TREK"  # the brand's, without him


def test_social_search_says_a_friend_is_a_fan_only_where_the_fan_allows(trek, people):
    john, anna = people["john"], people["anna"]
    marlin = make_product()
    make_review(anna, marlin, audience="friends", title="Anna on the Marlin")
    consent(anna, purpose=Purpose.SOCIAL_PROOF)

    def fan_of() -> list[str]:
        return [item.fan_of for item in social_search(john, "Trek", with_listings=False).reviews]

    assert fan_of() == [""]
    fan_set(member=anna, brand_id=trek.pk)  # only me
    assert fan_of() == [""]
    fan_set(member=anna, brand_id=trek.pk, audience=Audience.FRIENDS)
    assert fan_of() == ["Trek"]
    block_create(blocker=anna, blocked=john)
    assert fan_of() == []  # blocked: nothing of hers at all
