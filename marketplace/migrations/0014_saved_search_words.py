"""The words of each saved search's query, as the search compares words: one row per word.

A new listing is matched against every saved search in one query, which needs each search's
words in the search's normal form (`marketplace.search.vocabulary.query_words`) in a table, where
SQL can ask whether they are all among the words the listing answers. Filled here for the
searches saved before, and from now on by the saved-search services. These are derived values:
a change to the normaliser comes with a migration that writes them again.
"""

import django.db.models.deletion
from django.db import migrations, models

from marketplace.search.vocabulary import query_words

BATCH = 2000


def write_words(apps, schema_editor):
    SavedSearch = apps.get_model("marketplace", "SavedSearch")
    SavedSearchWord = apps.get_model("marketplace", "SavedSearchWord")
    rows = SavedSearch.objects.order_by("pk").only("pk", "query")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            break
        SavedSearchWord.objects.bulk_create(
            [
                SavedSearchWord(search_id=saved.pk, word=word)
                for saved in batch
                for word in query_words(saved.query)
            ]
        )
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0013_listing_search_words")]

    operations = [
        migrations.CreateModel(
            name="SavedSearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=120)),
                (
                    "search",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="words",
                        to="marketplace.savedsearch",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("search", "word"), name="saved_search_word_once"
                    )
                ],
            },
        ),
        migrations.RunPython(write_words, migrations.RunPython.noop, elidable=False),
    ]
