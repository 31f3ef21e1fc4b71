"""The first plan's checkpoint takes in the training log's settled workouts too: their number
and summed revisions (training/0006) beside the sessions'. Checkpoints made before it carry no
workouts, read as a mismatch, and are made again on their next first plan."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0012_session_revision_covered"),
        ("training", "0006_workout_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="donecheckpoint",
            name="workouts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="donecheckpoint",
            name="workout_revisions",
            field=models.BigIntegerField(default=0),
        ),
    ]
