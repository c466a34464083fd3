"""Long descriptions are compressed with lz4 instead of pglz on PostgreSQL: ~10× cheaper to
write (pglz was ~3% of the database's work in an import) and to read back."""

from django.db import migrations

from ruam.core.rows import compression


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_open_deadline_index")]

    operations = [compression("reports_report", ["description"])]
