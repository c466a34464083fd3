"""PostgreSQL had two indexes on created (one DESC, from 0002): a b-tree reads both ways, so one
goes and each new entry writes one index fewer."""

from django.db import migrations


def drop_twin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_created")


def restore_twin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_created ON search_searchentry (created DESC)"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_stored_vector")]
    operations = [migrations.RunPython(drop_twin, restore_twin)]
