"""Dates outside the years 1900-2200 (accepted before validation, issue 19) moved to the nearest bound; nothing changes on clean data."""

from django.db import migrations


def repair(apps, schema_editor):
    from plaza.core.repair import clamp_datetimes

    connection = schema_editor.connection
    clamp_datetimes(connection, "calendars_entry", ["starts_at", "ends_at", "repeats_until"], nullable=("repeats_until",), ordered=("starts_at", "ends_at"))


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
