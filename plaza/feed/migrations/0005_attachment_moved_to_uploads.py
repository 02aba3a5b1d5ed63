# Attachment moved to the uploads app with its table (``feed_attachment``): the feed stops
# owning it in Django's state only; the table and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('feed', '0004_signed_out_uploads'),
        ('uploads', '0001_initial'),
        # The blogs' cover keys point at uploads.Attachment before feed.Attachment goes.
        ('blogs', '0002_cover_from_uploads'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Attachment')],
            database_operations=[],
        ),
    ]
