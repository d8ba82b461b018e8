"""Where a person's data lives, what of it they get in an export, and what erasure does to it.

One `personal_data(...)` per (model, field) that points at a person; `privacy/tests/
test_registry.py` fails when a link in `privacy.registry.links_to_people()` is missing here.
Imported from `PrivacyConfig.ready()`.

An export holds what its owner could see anyway: their own rows, and of other people only the
display name they already see (never an email address, never who blocked them or which circles
others put them in). What others wrote is exported as the pages show it to the owner (the same
selectors): a comment under the owner's post by someone blocked either way is left out. Rows that
would name someone who blocked the owner are left out, as the pages hide them: the block shuts
the owner out of that person entirely; where the row holds the owner's own words (a comment on
that person's post), those stay and nothing of the other person does. Secrets (API tokens,
session keys, MFA keys, provider tokens) are never exported.

Rows that stay after an erasure say why and for how long (`why`, `retention`); the deletion page
and docs/privacy-retention.md list them.
"""

from privacy.personal_data import accounts, records, social  # noqa: F401  (registers them)
