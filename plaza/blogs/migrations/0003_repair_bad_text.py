"""NUL and lone surrogates (accepted in tags before validation, issue 19) removed; nothing changes on clean data."""

from django.db import migrations


def repair(apps, schema_editor):
    from plaza.core.repair import clean_json_columns

    connection = schema_editor.connection
    clean_json_columns(connection, "blogs_blog", ["tags"])


class Migration(migrations.Migration):
    dependencies = [("blogs", "0002_cover_from_uploads")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
