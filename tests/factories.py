"""Where test data is made: a factory per kind of thing, with factory_boy. The cast
(`tests/cast.py`) is made of these.

Where a rule is involved a factory goes through the product's own code, as a person would
(friendships through `social.services.friends`); it never writes rows past a rule. The
marketplace's test data is still made by `marketplace/tests/*_factories.py` and
`recommendations/tests/search_factories.py`, to move here.
"""

from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from social.services import friends

PASSWORD = "correct horse battery staple"


class PersonFactory(factory.django.DjangoModelFactory[User]):
    """A verified member with a display name, ready to sign in with PASSWORD:
    `PersonFactory.create(name="Olivia Owner")`, `.create(name="Mona", is_staff=True)`."""

    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda o: f"{o.name.lower().replace(' ', '.')}@example.com")

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, name: str, **fields: Any) -> User:
        user = model_class.objects.create_user(password=PASSWORD, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        user.profile.display_name = name
        user.profile.save()
        return user


def befriend(a: User, b: User) -> None:
    """Make `a` and `b` friends the way people do: a request, accepted."""
    request = friends.friend_request_send(sender=a, recipient=b)
    friends.friend_request_accept(user=b, request_id=request.pk)
