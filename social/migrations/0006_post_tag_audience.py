"""Copy each post's audience and moderation onto its tags, and have the database keep the copies
equal to the post's, so "who in my network talked about bikes" is decided by the audience policy
from the tags' index alone.

PostgreSQL: a foreign key from the tag's (post, audience, hidden) to the post's, ON UPDATE CASCADE:
changing a post's audience or hiding it changes its tags in the same statement, and a tag whose
copy differs from its post cannot be written. SQLite cannot add such a key to a table; triggers do
the same there (a rebuild of either table by a later migration on SQLite must make them again)."""

from django.db import migrations, models

FILL = """
UPDATE social_posttag SET
    audience = (SELECT p.audience FROM social_post AS p WHERE p.id = social_posttag.post_id),
    hidden = (SELECT p.hidden FROM social_post AS p WHERE p.id = social_posttag.post_id)
"""

POSTGRESQL = [
    # Covering on PostgreSQL (SQLite has no covering indexes and keeps the plain one the model
    # declares, so no system check warns about it).
    "DROP INDEX IF EXISTS post_tag_topic",
    "CREATE INDEX post_tag_topic ON social_posttag (tag, post_id) INCLUDE (author_id, audience, hidden)",
    "ALTER TABLE social_post ADD CONSTRAINT post_audience_key UNIQUE (id, audience, hidden)",
    """
    ALTER TABLE social_posttag ADD CONSTRAINT post_tag_follows_post
        FOREIGN KEY (post_id, audience, hidden) REFERENCES social_post (id, audience, hidden)
        ON UPDATE CASCADE ON DELETE CASCADE
    """,
]
POSTGRESQL_UNDO = [
    "ALTER TABLE social_posttag DROP CONSTRAINT IF EXISTS post_tag_follows_post",
    "ALTER TABLE social_post DROP CONSTRAINT IF EXISTS post_audience_key",
    "DROP INDEX IF EXISTS post_tag_topic",
    "CREATE INDEX post_tag_topic ON social_posttag (tag, post_id)",
]

_DIFFERS = """
    NOT EXISTS (
        SELECT 1 FROM social_post AS p
        WHERE p.id = NEW.post_id AND p.audience = NEW.audience AND p.hidden = NEW.hidden
    )
"""
SQLITE = [
    f"""
    CREATE TRIGGER post_tag_follows_post_insert BEFORE INSERT ON social_posttag
    WHEN {_DIFFERS}
    BEGIN SELECT RAISE(ABORT, 'post_tag_follows_post: a tag copies its post'); END
    """,
    f"""
    CREATE TRIGGER post_tag_follows_post_update BEFORE UPDATE ON social_posttag
    WHEN {_DIFFERS}
    BEGIN SELECT RAISE(ABORT, 'post_tag_follows_post: a tag copies its post'); END
    """,
    """
    CREATE TRIGGER post_tags_follow AFTER UPDATE OF audience, hidden ON social_post
    BEGIN
        UPDATE social_posttag SET audience = NEW.audience, hidden = NEW.hidden
        WHERE post_id = NEW.id;
    END
    """,
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS post_tags_follow",
    "DROP TRIGGER IF EXISTS post_tag_follows_post_update",
    "DROP TRIGGER IF EXISTS post_tag_follows_post_insert",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0005_post_tag_author"),
    ]

    operations = [
        migrations.AddField(
            model_name="posttag",
            name="audience",
            field=models.CharField(
                choices=[
                    ("public", "Everyone"),
                    ("members", "Signed-in members"),
                    ("fof", "Friends of friends"),
                    ("friends", "Friends"),
                    ("circles", "Chosen circles"),
                    ("only_me", "Only me"),
                ],
                default="only_me",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="posttag",
            name="hidden",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="posttag",
            name="tag",
            field=models.SlugField(db_index=False, max_length=60),
        ),
        migrations.RemoveIndex(model_name="posttag", name="post_tag_tag_post"),
        migrations.RemoveIndex(model_name="posttag", name="post_tag_tag_author"),
        migrations.AddIndex(
            model_name="posttag",
            index=models.Index(fields=["tag", "post"], name="post_tag_topic"),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        ),
    ]
