"""A knot's tally (journal.KnotTally): the database's own count of its check-ins and their
highest id, kept by triggers, against a count made afresh after every kind of write."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from knotless.journal import services
from knotless.journal.models import CheckIn, Knot, KnotTally
from knotless.journal.summary import rating_stats

START = datetime(2026, 1, 1, 8, tzinfo=UTC)


def counted() -> dict[int, tuple[int, int | None]]:
    """Every knot's (count, highest id) counted from its check-ins; (0, None) for none."""
    found: dict[int, tuple[int, int | None]] = dict.fromkeys(
        Knot.objects.values_list("pk", flat=True), (0, None)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT knot_id, COUNT(*), MAX(id) FROM journal_checkin GROUP BY knot_id")
        found.update({pk: (n, last) for pk, n, last in cursor.fetchall()})
    return found


def tallied() -> dict[int, tuple[int, int | None]]:
    return {knot.pk: rating_stats(knot) for knot in Knot.objects.all()}


def _knot(user: Any, region: str = "temple", side: str = "left") -> Knot:
    return services.add_knot(
        user,
        region=region,
        side=side,
        pain=5,
        tz_name="UTC",
        first_felt=START.date(),
        moment=START,
    )


def test_the_tally_follows_every_way_check_ins_come_and_go(make_user: Any) -> None:
    rng = random.Random(13)
    people = [make_user("alex"), make_user("sam")]
    places = [("temple", "left"), ("calf", "right"), ("top-of-shoulder", "left")]
    knots = [_knot(p, *place) for p in people for place in places]
    minute = 0

    def moment() -> datetime:
        nonlocal minute
        minute += 1
        return START + timedelta(minutes=minute)

    def service_check_in() -> None:
        knot = rng.choice([k for k in knots if k.is_active])
        services.check_in(knot, pain=rng.randint(0, 10), tz_name="UTC", moment=moment())

    def bulk() -> None:  # as an import writes them: one statement, several knots
        CheckIn.objects.bulk_create(
            CheckIn(knot=rng.choice(knots), moment=moment(), pain=rng.randint(0, 10))
            for _ in range(rng.randint(1, 30))
        )

    def delete_one() -> None:
        ids = list(CheckIn.objects.values_list("pk", flat=True))
        CheckIn.objects.filter(pk=rng.choice(ids)).delete()

    def delete_latest() -> None:  # the highest id goes: the tally must find the one before
        knot = rng.choice(knots)
        latest = CheckIn.objects.filter(knot=knot).order_by("-pk").first()
        if latest is not None:
            latest.delete()

    def delete_many() -> None:
        knot = rng.choice(knots)
        CheckIn.objects.filter(knot=knot, pain__gte=rng.randint(0, 10)).delete()

    def raw_insert() -> None:  # a statement typed into a shell
        knot = rng.choice(knots)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO journal_checkin (knot_id, moment, pain, note, created_at)"
                " VALUES (%s, %s, %s, '', %s)",
                [knot.pk, moment(), 4, moment()],
            )

    def move() -> None:  # never done by knotless; the tally still follows
        ids = list(CheckIn.objects.values_list("pk", flat=True))
        CheckIn.objects.filter(pk__in=rng.sample(ids, min(3, len(ids)))).update(
            knot=rng.choice(knots)
        )

    def edit() -> None:  # an update that moves nothing leaves the tally as it was
        CheckIn.objects.filter(knot=rng.choice(knots)).update(note="edited")

    def delete_knot() -> None:
        knot = knots.pop(rng.randrange(len(knots)))
        services.delete_knot(knot)
        knots.append(_knot(rng.choice(people), *rng.choice(places)))

    steps = [
        service_check_in,
        bulk,
        delete_one,
        delete_latest,
        delete_many,
        raw_insert,
        move,
        edit,
        delete_knot,
    ]
    seen = set()
    for _ in range(150):
        step = rng.choice(steps)
        step()
        seen.add(step.__name__)
        assert tallied() == counted(), step.__name__
    assert seen == {s.__name__ for s in steps}

    people[0].delete()  # an account deleted: its knots, check-ins and tallies go with it
    assert tallied() == counted()
    assert set(KnotTally.objects.values_list("knot__user", flat=True)) == {people[1].pk}


def test_a_knot_without_check_ins_tallies_none(user: Any) -> None:
    knot = Knot.objects.create(user=user, region="temple", side="left", first_felt=START.date())
    assert rating_stats(knot) == (0, None)
    CheckIn.objects.create(knot=knot, moment=START, pain=3)
    CheckIn.objects.filter(knot=knot).delete()
    assert rating_stats(knot) == (0, None)


@pytest.mark.django_db(transaction=True)
def test_check_ins_written_at_once_from_two_connections_are_all_counted(make_user: Any) -> None:
    if connection.vendor == "sqlite":
        # The in-memory test database takes one connection at a time; SQLite's writers queue
        # anyway (BEGIN IMMEDIATE). The triggers' locking is PostgreSQL's to show (CI runs both).
        pytest.skip("needs a database that takes concurrent connections (CI's PostgreSQL run)")
    knot = _knot(make_user("alex"))
    errors: list[BaseException] = []

    def write(offset: int) -> None:
        try:
            for i in range(25):
                CheckIn.objects.create(
                    knot_id=knot.pk, moment=START + timedelta(minutes=offset + i), pain=3
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(offset,)) for offset in (0, 100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert rating_stats(knot) == counted()[knot.pk] == (51, counted()[knot.pk][1])


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_check_ins_already_stored(make_user: Any) -> None:
    knot = _knot(make_user("alex"))
    for i in range(1, 12):
        services.check_in(knot, pain=i % 11, tz_name="UTC", moment=START + timedelta(hours=i))
    before = counted()[knot.pk]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("journal", "0004_checkin_count_from_index")])
        # Without the triggers, rows come and go uncounted: the migration must count them.
        CheckIn.objects.filter(knot_id=knot.pk).order_by("pk").first().delete()  # type: ignore[union-attr]
        CheckIn.objects.create(knot_id=knot.pk, moment=START, pain=2)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert counted()[knot.pk][0] == before[0]
    assert rating_stats(knot) == counted()[knot.pk]
