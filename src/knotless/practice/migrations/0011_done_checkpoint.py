"""A checkpoint of what each person's settled sessions add up to, for the day's first plan
(practice/done.py): read from it, the first plan reads only the sessions since."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("practice", "0010_session_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="DoneCheckpoint",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="done_checkpoint",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("key", models.CharField(max_length=200)),
                ("cutoff", models.DateTimeField()),
                ("sessions", models.PositiveIntegerField()),
                ("revisions", models.BigIntegerField()),
                ("summary", models.JSONField()),
            ],
        ),
    ]
