"""The search index and, per database, its full-text machinery.

PostgreSQL: pg_trgm, a GIN index over to_tsvector('simple', words) and a GIN trigram index over
raw. SQLite: an FTS5 table over words whose tokenizer keeps Thai vowel and tone marks inside
words (unicode61 on its own splits "น้ำ" at "้"), an FTS5 trigram table over raw, and triggers
that keep both in step with the table.
"""

from django.db import migrations, models

THAI_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"

SQLITE = [
    f"""CREATE VIRTUAL TABLE search_words USING fts5(
        words, content='search_searchentry', content_rowid='id',
        tokenize="unicode61 remove_diacritics 0 tokenchars '{THAI_MARKS}'")""",
    """CREATE VIRTUAL TABLE search_trigrams USING fts5(
        raw, content='search_searchentry', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_words(rowid, words) VALUES (new.id, new.words);
        INSERT INTO search_trigrams(rowid, raw) VALUES (new.id, new.raw);
    END""",
    """CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_words(search_words, rowid, words) VALUES ('delete', old.id, old.words);
        INSERT INTO search_trigrams(search_trigrams, rowid, raw) VALUES ('delete', old.id, old.raw);
    END""",
    """CREATE TRIGGER search_entry_au AFTER UPDATE OF words, raw ON search_searchentry BEGIN
        INSERT INTO search_words(search_words, rowid, words) VALUES ('delete', old.id, old.words);
        INSERT INTO search_trigrams(search_trigrams, rowid, raw) VALUES ('delete', old.id, old.raw);
        INSERT INTO search_words(rowid, words) VALUES (new.id, new.words);
        INSERT INTO search_trigrams(rowid, raw) VALUES (new.id, new.raw);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_trigrams",
    "DROP TABLE IF EXISTS search_words",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX search_words_gin ON search_searchentry "
    "USING gin (to_tsvector('simple'::regconfig, words))",
    "CREATE INDEX search_raw_trgm ON search_searchentry USING gin (raw gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS search_raw_trgm", "DROP INDEX IF EXISTS search_words_gin"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("report", "report"), ("issue", "issue")], max_length=10)),
                ("object_id", models.BigIntegerField()),
                ("district_id", models.CharField(blank=True, db_index=True, max_length=4)),
                ("code", models.CharField(blank=True, max_length=20)),
                ("title", models.CharField(blank=True, max_length=300)),
                ("words", models.TextField(help_text="segmented text: Thai words separated by spaces")),
                ("raw", models.TextField(help_text="the text as written, lowercased, for word parts")),
                ("is_open", models.BooleanField(default=True)),
                ("created", models.DateTimeField(db_index=True)),
            ],
            options={"verbose_name": "search entry", "verbose_name_plural": "search entries"},
        ),
        migrations.AddConstraint(
            model_name="searchentry",
            constraint=models.UniqueConstraint(fields=("kind", "object_id"), name="search_kind_object"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
