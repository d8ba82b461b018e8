"""Staff see the social models in the admin; friendships and blocks are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from social.services import posts
from tests.factories import make_admin


@pytest.mark.parametrize(
    "model", ["post", "comment", "topic", "friendrequest", "friendship", "block", "notification"]
)
def test_admin_changelists_open_for_a_superuser(graph, client_for, model):
    posts.post_create(author=graph["owner"], text="hello #bikes")
    admin = make_admin()
    response = client_for(admin).get(reverse(f"admin:social_{model}_changelist"))
    assert response.status_code == 200


def test_friendships_cannot_be_edited_in_the_admin(graph, client_for):
    admin = make_admin()
    response = client_for(admin).get(reverse("admin:social_friendship_add"))
    assert response.status_code == 403
