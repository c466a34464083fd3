"""The search entries' texts are compressed with lz4 instead of pglz on PostgreSQL (cheaper to
write after an import and to read when the indexes are built)."""

from django.db import migrations

from ruam.core.rows import compression


class Migration(migrations.Migration):
    dependencies = [("search", "0003_one_created_index")]

    operations = [compression("search_searchentry", ["title", "words", "raw"])]
