"""PostgreSQL: keep each entry's tsvector in a generated column, so ranking reads it instead of
parsing the text again for every match; the GIN index moves onto it."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE search_searchentry ADD COLUMN vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, words)) STORED",
    "DROP INDEX IF EXISTS search_words_gin",
    "CREATE INDEX search_words_gin ON search_searchentry USING gin (vector)",
    "CREATE INDEX search_created ON search_searchentry (created DESC)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_created",
    "DROP INDEX IF EXISTS search_words_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
    "CREATE INDEX search_words_gin ON search_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, words))",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
