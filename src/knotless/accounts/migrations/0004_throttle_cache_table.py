"""The database cache table the sign-in throttle counts in (CACHES["throttle"]).

Django makes cache tables with `createcachetable`, not with migrations; running it here means
every way of preparing a database (`knotless serve`, any CLI command, `migrate`) makes it too.
It skips tables that exist, and the test runner calls it as well.
"""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_profile_emergency_number"),
    ]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
