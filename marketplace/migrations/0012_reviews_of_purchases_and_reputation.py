"""Reviews of what people bought: a review may be about a category (and brand, and the model
name a seller typed) instead of a catalog model; it rests on one purchase, and a purchase has
one review. Reviews written before without a purchase get one declared for them, as their
author would declare it (not verified, of the product reviewed, on the day of the review), so
the constraints hold."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def declare_purchases_for_reviews(apps, schema_editor):
    """Each review by a member without a purchase of its own gets a declared purchase."""
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' foreign keys now, not at commit: PostgreSQL refuses the ALTER
        # TABLE of the constraints below while checks of this transaction are still pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    Review = apps.get_model("marketplace", "Review")
    Purchase = apps.get_model("marketplace", "Purchase")
    taken: set[int] = set()
    reviews = Review.objects.filter(author__isnull=False).select_related("product_model__brand")
    for review in reviews.order_by("pk").iterator():
        if review.purchase_id is not None and review.purchase_id not in taken:
            taken.add(review.purchase_id)
            continue
        product = review.product_model
        purchase = Purchase.objects.create(
            buyer_id=review.author_id,
            product_model=product,
            category_id=product.category_id,
            brand_id=product.brand_id,
            description=f"{product.brand.name} {product.name}"[:200],
            verified=False,
            purchased_on=review.created_at.date(),
        )
        Review.objects.filter(pk=review.pk).update(purchase=purchase)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0011_listing_delivery_and_catalog_suggestions"),
        ("social", "0008_post_tag_topic_declared"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="brand",
            field=models.ForeignKey(
                blank=True,
                help_text="Without a catalog model: its brand, when the catalog has it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reviews",
                to="marketplace.brand",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="category",
            field=models.ForeignKey(
                blank=True,
                help_text="Without a catalog model: its category.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to="marketplace.category",
            ),
        ),
        migrations.AddField(
            model_name="review",
            name="model_name",
            field=models.CharField(
                blank=True,
                help_text="Without a catalog model: the model its seller named, if any.",
                max_length=120,
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="product_model",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to="marketplace.productmodel",
            ),
        ),
        migrations.RunPython(declare_purchases_for_reviews, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("product_model__isnull", False),
                        ("category__isnull", True),
                        ("brand__isnull", True),
                        ("model_name", ""),
                    ),
                    models.Q(("product_model__isnull", True), ("category__isnull", False)),
                    _connector="OR",
                ),
                name="review_about_one_thing",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                fields=("purchase",), name="one_review_per_purchase"
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("purchase__isnull", False), ("author__isnull", True), _connector="OR"
                ),
                name="review_has_purchase",
            ),
        ),
    ]
