"""The audit log holds references, not copies (docs/decisions/audit-log-references.md).

- Two columns name what an event acted on: `target_type` ("social.post") and `target_id` (its
  id; for a person, their pseudonymous id, never the account's id).
- Events written before, which copied an object's name, a change message or a moderator's note
  into `detail` and named people by account id, are rewritten once into that form: the copies
  are dropped, a person is named by pseudonym (and linked as the event's subject while their
  account exists, so that erasing them clears the link).
- The append-only trigger (migration 0002) also lets `ip_address` and `user_agent` be emptied,
  which erasure does for the events a person caused; every other column stays as written.

PostgreSQL: the trigger function is replaced and the audit log's trigger made again with the
new columns it lets be cleared. SQLite: the trigger lists the columns that must not change, so
it is made again after the new columns exist. The trigger is dropped while the old events are
rewritten, inside this migration's transaction.
"""

import hashlib
import hmac
import importlib

from django.conf import settings
from django.db import migrations, models

TABLE = "privacy_auditevent"
CLEARABLE = ["actor_id", "subject_id", "ip_address", "user_agent"]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_append_only() RETURNS trigger AS $$
DECLARE
    link text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% is append-only: rows cannot be deleted', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
        RAISE EXCEPTION '% is append-only: rows cannot be edited', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    FOREACH link IN ARRAY TG_ARGV LOOP
        IF NULLIF(to_jsonb(NEW) ->> link, '') IS NOT NULL
           AND (to_jsonb(NEW) ->> link) IS DISTINCT FROM (to_jsonb(OLD) ->> link) THEN
            RAISE EXCEPTION '% is append-only: % can only be cleared', TG_TABLE_NAME, link
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def _before():
    return importlib.import_module("privacy.migrations.0002_append_only_triggers")


def _drop_trigger(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")


def drop_trigger(apps, schema_editor):
    _drop_trigger(schema_editor)


def make_old_trigger(apps, schema_editor):
    """Back to migration 0002's trigger (and function), for both tables."""
    before = _before()
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(before.POSTGRES_FUNCTION, params=None)
        links = ", ".join(f"'{link}'" for link in before.TABLES[TABLE])
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION privacy_append_only({links})"
        )
    elif connection.vendor == "sqlite":
        _sqlite_trigger(schema_editor, before.TABLES[TABLE], cleared_as_empty=False)


def _sqlite_trigger(schema_editor, links, *, cleared_as_empty: bool) -> None:
    connection = schema_editor.connection
    columns = [
        column.name
        for column in connection.introspection.get_table_description(connection.cursor(), TABLE)
        if column.name not in links
    ]
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    empty = " OR NEW.{c} = ''" if cleared_as_empty else ""
    cleared = " AND ".join(
        f"(NEW.{c} IS NULL{empty.format(c=c)} OR NEW.{c} IS OLD.{c})" for c in links
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
        f"WHEN NOT ({unchanged} AND {cleared}) "
        f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END"
    )


def make_trigger(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        links = ", ".join(f"'{link}'" for link in CLEARABLE)
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION privacy_append_only({links})"
        )
    elif connection.vendor == "sqlite":
        _sqlite_trigger(schema_editor, CLEARABLE, cleared_as_empty=True)


def drop_new_trigger(apps, schema_editor):
    _drop_trigger(schema_editor)


def _pseudonym(user_id: int) -> str:
    # privacy.models.pseudonym_for, as it is today (a migration does not import app code).
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"person:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"p-{digest[:32]}"


def to_references(apps, schema_editor):
    """Rewrite the events that copied content or named a person by id."""
    AuditEvent = apps.get_model("privacy", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    person = settings.AUTH_USER_MODEL.lower()
    labels_of: dict[str, list[str]] = {}
    for app_label, model in ContentType.objects.values_list("app_label", "model"):
        labels_of.setdefault(model, []).append(f"{app_label}.{model}")
    copies = ("target", "model", "object_id", "object", "message", "note")
    for event in AuditEvent.objects.filter(action__startswith="moderation.").iterator():
        detail = dict(event.detail or {})
        if not any(key in detail for key in copies):
            continue
        target_type, target_id = "", ""
        if "target" in detail:  # the report queue: "app_label.model id"
            target_type, _, target_id = str(detail["target"]).partition(" ")
        elif "model" in detail:  # the admin log: the model's name and the object's id
            labels = labels_of.get(str(detail["model"]), [])
            target_type = labels[0] if len(labels) == 1 else ""
            target_id = str(detail.get("object_id") or "")
        for key in copies:
            detail.pop(key, None)
        changes = {"detail": detail, "target_type": target_type[:100], "target_id": ""}
        if target_type == person:
            try:
                user_id = int(target_id)
            except ValueError:
                user_id = None
            if user_id is not None:
                changes["target_id"] = _pseudonym(user_id)
                if event.subject_id is None and User.objects.filter(pk=user_id).exists():
                    changes["subject_id"] = user_id
                    changes["subject_pseudonym"] = _pseudonym(user_id)
        else:
            changes["target_id"] = target_id[:64]
        AuditEvent.objects.filter(pk=event.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("privacy", "0004_usage_count_per_day"),
    ]

    operations = [
        migrations.RunPython(drop_trigger, make_old_trigger),
        migrations.AddField(
            model_name="auditevent",
            name="target_id",
            field=models.CharField(
                blank=True,
                help_text="Its id; for a person, their pseudonymous id (never the account's id).",
                max_length=64,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="target_type",
            field=models.CharField(
                blank=True, help_text="What was acted on: “app_label.model”.", max_length=100
            ),
        ),
        migrations.RunPython(to_references, migrations.RunPython.noop),
        migrations.RunPython(make_trigger, drop_new_trigger),
    ]
