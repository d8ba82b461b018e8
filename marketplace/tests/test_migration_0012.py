"""Migration 0012: reviews written before it without a purchase get one declared for them, so
the constraint that a member's review rests on a purchase holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PersonFactory, make_product

BEFORE = [("marketplace", "0011_listing_delivery_and_catalog_suggestions")]
AFTER = [("marketplace", "0012_reviews_of_purchases_and_reputation")]


@pytest.mark.django_db(transaction=True)
def test_reviews_without_a_purchase_get_a_declared_one():
    author, product = PersonFactory.create(name="Old Reviewer"), make_product()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        # Written with the model as it was before 0012: a review without a purchase.
        review = old.get_model("marketplace", "Review").objects.create(
            author_id=author.pk, product_model_id=product.pk, rating=4, title="Old", text="Old."
        )

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)

        new = executor.loader.project_state(AFTER).apps
        written = new.get_model("marketplace", "Review").objects.get(pk=review.pk)
        purchase = new.get_model("marketplace", "Purchase").objects.get(pk=written.purchase_id)
        assert (purchase.buyer_id, purchase.product_model_id, purchase.verified) == (
            author.pk,
            product.pk,
            False,
        )
        assert purchase.purchased_on == written.created_at.date()
    finally:  # the rest of the suite runs on the latest schema
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
