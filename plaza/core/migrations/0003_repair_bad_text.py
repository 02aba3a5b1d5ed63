"""NUL and lone surrogates recorded in the audit log before validation (issue 19) removed; nothing changes on clean data."""

from django.db import migrations


def repair(apps, schema_editor):
    from plaza.core.repair import clean_json_columns

    connection = schema_editor.connection
    clean_json_columns(connection, "core_auditentry", ["before", "after"])


class Migration(migrations.Migration):
    dependencies = [("core", "0002_scheduledrun")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
