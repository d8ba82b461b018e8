"""How the marketplace's data about a person is exported and erased (the privacy registry).

Registered from `MarketplaceConfig.ready()`: privacy cannot import the marketplace, so the
marketplace tells privacy about its own tables.

The export holds what the person could see on the marketplace's pages. Their own words are
always in it. What others wrote on or about their things (questions on their listings, offers
received, the buyer's side of a conversation, comments...) is in it as the pages show it to
them: nothing of anyone blocked either way with them, as the deals selectors leave those out
(`marketplace.selectors.deals`). Where a row is theirs but the other side is hidden from them
(a question they asked on the listing of someone who has blocked them), only their own words are
exported: not the other side's answer, message, listing title or name.

Erasure keeps what the other side of a deal relies on (see each entry's `why`): a sale stays in
the other party's purchases or sales, and goes when neither is left; public reviews stay without
their author, while a review nobody could see any more goes; reports about the person stay for
REPORT_RETENTION_DAYS after they were resolved.
"""

from marketplace.personal_data.registration import register

__all__ = ["register"]
