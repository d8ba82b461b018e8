"""Provider test support vendored from django-allauth 65.21.1 (MIT licence, see LICENSE here).

django-allauth ships its test suite in the source distribution only, not in the installed wheel.
The pieces Bazaar needs to drive a full OAuth2 login per provider, with allauth's own OAuth code
and no live provider, are copied here:

- `mocking.py` from `tests/mocking.py`: `MockedResponse`, `mocked_response`;
- `oauth2.py` from `tests/apps/socialaccount/base.py`: `setup_app`, `OAuth2TestsMixin`.

Source: https://github.com/pennersr/django-allauth (tag 65.21.1). Changes are listed at the top
of each file.
"""
