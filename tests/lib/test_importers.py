from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotless.lib.importers import (
    ImportedSet,
    ImportFormatError,
    ImportResult,
    detect,
    match_exercise,
    read_any,
    read_hevy,
    read_strong,
    read_wger,
)
from knotless.lib.importers.records import MAX_ROWS, duration_minutes

SAMPLES = Path(__file__).parent / "import_samples"
STRONG_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)
HEVY_HEADER = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
    '"duration_seconds","rpe"'
)


def sample(name: str) -> str:
    # Bytes, then decode: reading as text would fold the Windows line endings away.
    return (SAMPLES / name).read_bytes().decode("utf-8")


def by_exercise(result: ImportResult, exercise: str) -> list[ImportedSet]:
    return [one for one in result.sets if one.exercise == exercise]


def kg(text: str) -> Decimal:
    return Decimal(text)


# --- Strong -----------------------------------------------------------------------------------


def test_strong_classic_ios_export_in_pounds() -> None:
    result = read_strong(sample("strong_ios.csv"), weight_unit="lb")
    assert result.source == "strong"
    bench = by_exercise(result, "Bench Press (Barbell)")
    assert [(s.order, s.kind, s.reps) for s in bench] == [
        (1, "warmup", 10),
        (2, "work", 8),
        (3, "work", 8),
        (4, "failure", 6),
        (5, "drop", 10),
    ]
    # 135 lb is 61.23 kg; 95 lb is 43.09 kg.
    assert [s.load_kg for s in bench] == [kg("43.09"), *[kg("61.23")] * 3, kg("43.09")]
    assert [s.rpe for s in bench] == [None, Decimal(8), Decimal("8.5"), Decimal(10), None]
    assert bench[3].note == 'Last rep slow, "grindy"'
    assert {s.started_at for s in bench} == {datetime(2024, 11, 28, 18, 4, 12)}
    assert {(s.workout, s.minutes) for s in bench} == {("Push Day", 65)}


def test_read_any_passes_the_unit_for_the_oldest_strong_layout() -> None:
    bench = by_exercise(
        read_any(sample("strong_ios.csv"), weight_unit="lb"), "Bench Press (Barbell)"
    )
    assert bench[1].load_kg == kg("61.23")
    # A file that names its units keeps them whatever the caller says.
    android = read_any(sample("strong_android.csv"), weight_unit="lb")
    assert by_exercise(android, "Bent Over Row (Barbell)")[0].load_kg == kg("40.00")


def test_strong_classic_cardio_and_timed_rows_keep_their_own_measures() -> None:
    result = read_strong(sample("strong_ios.csv"))
    run = by_exercise(result, "Running (Treadmill)")[0]
    assert (run.reps, run.load_kg, run.seconds, run.distance_m) == (None, None, 720, kg("1500"))
    assert [(s.seconds, s.reps, s.load_kg) for s in by_exercise(result, "Plank")] == [
        (60, None, None),
        (45, None, None),
    ]
    pull_up = by_exercise(result, "Pull Up")[0]
    assert (pull_up.reps, pull_up.load_kg) == (8, None)  # Strong writes 0.0 for no added load


def test_strong_classic_without_a_unit_is_kg_by_default_and_reports_the_bad_row() -> None:
    result = read_strong(sample("strong_ios.csv"))
    assert by_exercise(result, "Squat (Barbell)")[1].load_kg == kg("185.00")
    assert result.skipped == [(8, "reps 'seven' is not a number")]
    legs = [s for s in result.sets if s.workout == "Legs, heavy"]
    assert {s.minutes for s in legs} == {45}
    assert len(result.sets) == 13


def test_strong_android_export_semicolons_bom_crlf_units_and_decimal_commas() -> None:
    text = sample("strong_android.csv")
    assert text.startswith("\ufeff") and "\r\n" in text  # the sample really has both
    result = read_strong(text)
    curls = by_exercise(result, "Bicep Curl (Dumbbell)")
    assert [(s.kind, s.load_kg) for s in curls] == [
        ("warmup", kg("5.00")),
        ("work", kg("12.50")),
        ("work", kg("12.50")),
    ]
    assert curls[2].rpe == Decimal(9)
    pushdowns = by_exercise(result, "Triceps Pushdown (Cable)")
    assert [s.load_kg for s in pushdowns] == [kg("22.68"), kg("19.28")]  # 50 lb, 42.5 lb
    run = by_exercise(result, "Running (Treadmill)")[0]
    assert (run.distance_m, run.seconds, run.minutes) == (kg("1200"), 480, 62)
    assert by_exercise(result, "Plank")[0].seconds == 30
    assert result.skipped == [
        (5, "no reps, weight, time or distance"),
        (11, "the weight unit 'stone' is not kg or lbs"),
    ]


def test_strong_6_export_passes_over_rest_timers_and_notes() -> None:
    result = read_strong(sample("strong_v6.csv"))
    deadlift = by_exercise(result, "Deadlift (Barbell)")
    assert [(s.order, s.kind, s.load_kg, s.rpe) for s in deadlift] == [
        (1, "warmup", kg("60"), None),
        (2, "work", kg("120"), Decimal(8)),
        (3, "work", kg("120"), Decimal(9)),
    ]
    assert {s.minutes for s in deadlift} == {62}  # Duration (sec) 3720
    rowing = by_exercise(result, "Rowing (Machine)")[0]
    assert (rowing.distance_m, rowing.seconds) == (kg("2000"), 480)  # Distance (meters)
    assert result.skipped == [(9, "a weight over 1000 kg (1200 kg)")]


def test_strong_6_weight_in_pounds_by_column_name() -> None:
    text = (
        "Workout #,Date,Workout Name,Duration (sec),Exercise Name,Set Order,Weight (lbs),Reps\n"
        '1,2025-03-10 18:00:00,"Push",3600,"Bench Press (Barbell)",1,225,5\n'
    )
    assert read_strong(text).sets[0].load_kg == kg("102.06")


def test_order_restarts_per_workout_and_counts_within_the_exercise() -> None:
    rows = [
        '2024-01-01 10:00:00,"A",1h,"Squat (Barbell)",1,100,5,0,0,,,',
        '2024-01-01 10:00:00,"A",1h,"Squat (Barbell)",2,100,5,0,0,,,',
        '2024-01-03 10:00:00,"A",1h,"Squat (Barbell)",1,100,5,0,0,,,',
    ]
    result = read_strong("\n".join([STRONG_HEADER, *rows]))
    assert [s.order for s in result.sets] == [1, 2, 1]


def test_a_zone_given_in_the_file_is_kept() -> None:
    row = '2024-01-01T10:00:00+01:00,"A",1h,"Squat",1,100,5,0,0,,,'
    started = read_strong(f"{STRONG_HEADER}\n{row}").sets[0].started_at
    assert started.utcoffset() is not None and started.hour == 10


def test_reps_over_100_and_a_strange_set_order_are_skipped_not_fatal() -> None:
    rows = [
        '2024-01-01 10:00:00,"A",1h,"Squat",1,100,101,0,0,,,',
        '2024-01-01 10:00:00,"A",1h,"Squat",X,100,5,0,0,,,',
        '2024-01-01 10:00:00,"A",1h,"Squat",2,100,5,0,0,,,',
        'yesterday,"A",1h,"Squat",3,100,5,0,0,,,',
    ]
    result = read_strong("\n".join([STRONG_HEADER, *rows]))
    assert [s.reps for s in result.sets] == [5]
    assert result.skipped == [
        (2, "more than 100 reps (101) in one set"),
        (3, "the set order 'X' is not a number or W, D or F"),
        (5, "the date 'yesterday' could not be read"),
    ]


def test_trailing_empty_columns_and_stray_cells() -> None:
    text = (
        "Date,Exercise Name,Set Order,Weight,Reps,,\r\n"
        "2024-01-01 10:00:00,Squat,1,100,5,,\r\n"
        "2024-01-01 10:00:00,Squat,2,100,5,,oops\r\n"
        ",,,,,,\r\n"
    )
    result = read_strong(text)
    assert [(s.order, s.reps) for s in result.sets] == [(1, 5)]
    assert result.skipped == [(3, "the row has more cells than the header has columns")]


@pytest.mark.parametrize(
    ("written", "minutes"),
    [("1h 5m", 65), ("45m", 45), ("2h", 120), ("0:45:00", 45), ("1:05", 65), ("soon", None)],
)
def test_workout_lengths(written: str, minutes: int | None) -> None:
    assert duration_minutes(written) == minutes


def test_bare_number_length_only_when_the_column_names_the_unit() -> None:
    assert duration_minutes("3600", bare_unit="s") == 60
    assert duration_minutes("3600") is None


# --- Hevy -------------------------------------------------------------------------------------


def test_hevy_export_in_kg() -> None:
    result = read_hevy(sample("hevy_kg.csv"))
    assert result.source == "hevy"
    bench = by_exercise(result, "Bench Press (Barbell)")
    assert [(s.order, s.kind, s.reps, s.load_kg, s.rpe) for s in bench] == [
        (1, "warmup", 10, kg("40"), None),
        (2, "work", 8, kg("80"), Decimal(8)),
        (3, "work", 6, kg("82.5"), Decimal("9.5")),  # written 82,5
        (4, "drop", 10, kg("60"), None),
    ]
    assert {(s.started_at, s.workout, s.minutes, s.note) for s in bench} == {
        (datetime(2024, 12, 4, 18, 4), "Upper A", 58, "Pause on chest")
    }
    assert by_exercise(result, "Face Pull")[0].kind == "failure"
    treadmill = by_exercise(result, "Treadmill")[0]
    assert (treadmill.distance_m, treadmill.seconds, treadmill.reps) == (kg("5200"), 1800, None)
    assert by_exercise(result, "Plank")[0].seconds == 60
    assert result.skipped == [
        (7, "reps 'ten' is not a number"),
        (13, "a weight over 1000 kg (2000 kg)"),
    ]


def test_hevy_export_in_pounds_with_us_dates_and_crlf() -> None:
    text = sample("hevy_lbs.csv")
    assert "\r\n" in text
    result = read_hevy(text)
    deadlift = by_exercise(result, "Deadlift (Barbell)")
    assert [(s.kind, s.load_kg) for s in deadlift] == [
        ("warmup", kg("61.23")),
        ("work", kg("142.88")),
    ]
    assert {(s.started_at, s.minutes) for s in deadlift} == {(datetime(2024, 12, 4, 18, 4), 66)}
    walk = by_exercise(result, "Walking")[0]
    assert walk.distance_m == kg("2414.02")  # 1.5 miles
    assert by_exercise(result, "Bicep Curl (Dumbbell)")[0].load_kg == kg("12.47")
    assert result.skipped == [(4, "RPE 11 is outside 1-10")]


def test_hevy_with_a_bom_and_an_unknown_set_type() -> None:
    row = '"A","4 Dec 2024, 18:04","4 Dec 2024, 19:00","","Squat",,"","0","rest-pause","100","5",,,'
    result = read_hevy(f"\ufeff{HEVY_HEADER}\r\n{row}\r\n")
    assert [(s.kind, s.load_kg) for s in result.sets] == [("work", kg("100"))]


# --- wger -------------------------------------------------------------------------------------


def test_wger_page_with_names_units_and_reps_in_reserve() -> None:
    result = read_wger(sample("wger_page.json"), names={73: "Bench press"})
    assert result.source == "wger"
    bench = by_exercise(result, "Bench press")
    # The session starts at its earliest entry; entries keep their logged order.
    assert [(s.order, s.kind, s.reps, s.load_kg, s.rpe) for s in bench] == [
        (1, "work", 8, kg("80"), Decimal(8)),
        (2, "work", 10, kg("40"), None),
        (3, "failure", 6, kg("80"), Decimal(10)),
    ]
    started = bench[0].started_at
    assert started.utcoffset() is not None and (started.hour, started.minute) == (18, 4)
    assert {(s.workout, s.minutes) for s in result.sets} == {("", None)}
    lb = by_exercise(result, "wger exercise 91")[0]
    assert (lb.load_kg, lb.rpe) == (kg("20.41"), Decimal("8.5"))
    assert by_exercise(result, "wger exercise 1204")[0].seconds == 45
    bike = by_exercise(result, "wger exercise 1601")[0]
    assert (bike.distance_m, bike.load_kg, bike.note) == (
        kg("2500"),
        None,
        "load given as 10.00 km/h",
    )
    assert by_exercise(result, "wger exercise 111")[0].seconds == 120  # 2 minutes
    assert result.skipped == [
        (8, "a weight over 1000 kg (1500.00 kg)"),
        (9, "the entry has no date"),
    ]


def test_wger_old_api_as_a_list_of_pages() -> None:
    result = read_wger(sample("wger_pages_old.json"))
    assert [(s.exercise, s.order, s.reps, s.load_kg, s.rpe) for s in result.sets] == [
        ("wger exercise 192", 1, 10, kg("22.5"), Decimal(8)),
        ("wger exercise 192", 2, 8, kg("25"), Decimal("8.5")),
        ("wger exercise 88", 1, 12, kg("22.68"), None),
    ]
    assert result.sets[0].started_at == datetime(2023, 5, 2)


def test_wger_plain_list_of_entries() -> None:
    entries = [{"date": "2024-12-04", "exercise": 5, "repetitions": 5, "weight": 100}]
    assert read_wger(json.dumps(entries)).sets[0].load_kg == kg("100")


def test_wger_json_that_is_not_a_log_page() -> None:
    with pytest.raises(ImportFormatError, match="'results' is missing"):
        read_wger('{"count": 0}')
    with pytest.raises(ImportFormatError, match="not valid JSON"):
        read_wger('{"results": [')


# --- detection and whole-file errors ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("strong_ios.csv", "strong"),
        ("strong_android.csv", "strong"),
        ("strong_v6.csv", "strong"),
        ("hevy_kg.csv", "hevy"),
        ("hevy_lbs.csv", "hevy"),
        ("wger_page.json", "wger"),
        ("wger_pages_old.json", "wger"),
    ],
)
def test_detect_and_read_any(name: str, source: str) -> None:
    text = sample(name)
    assert detect(text) == source
    assert read_any(text).source == source
    assert read_any(text).sets


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("name,age\nalex,40\n", "not one knotless can read"),
        ("Datum;Workout-Name;Name der Übung;Reihenfolge festlegen\n", "another language"),
        ("[1, 2]", "'results' is missing"),
    ],
)
def test_detect_refuses_what_it_does_not_know(text: str, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        detect(text)


def test_missing_columns_are_named() -> None:
    hevy = 'title,start_time,set_type,weight_kg,reps\nA,"4 Dec 2024, 18:04",normal,100,5\n'
    with pytest.raises(ImportFormatError) as caught:
        read_hevy(hevy)
    assert str(caught.value) == (
        "This looks like a Hevy export but the column 'exercise_title' is missing."
    )
    with pytest.raises(ImportFormatError, match="neither a 'weight_kg' nor a 'weight_lbs'"):
        read_hevy("title,start_time,exercise_title,set_type,reps\n")
    with pytest.raises(ImportFormatError, match="the column 'Reps' is missing"):
        read_strong("Date,Workout Name,Exercise Name,Set Order,Weight\n")


def test_the_wrong_reader_says_which_app_wrote_the_file() -> None:
    with pytest.raises(ImportFormatError, match="This is a Hevy export, not a Strong one"):
        read_strong(sample("hevy_kg.csv"))
    with pytest.raises(ImportFormatError, match="This is a Strong export, not a Hevy one"):
        read_hevy(sample("strong_ios.csv"))


def test_files_over_five_megabytes_are_refused() -> None:
    text = STRONG_HEADER + "\n" + "x" * (5 * 1024 * 1024)
    with pytest.raises(ImportFormatError, match="5 MB"):
        read_strong(text)
    with pytest.raises(ImportFormatError, match="5 MB"):
        detect("[" + " " * (5 * 1024 * 1024) + "]")


def test_row_limit() -> None:
    header = "Date,Exercise Name,Set Order,Weight,Reps\n"
    row = "2024-01-01 10:00:00,Squat,1,100,5\n"
    assert len(read_strong(header + row * MAX_ROWS).sets) == MAX_ROWS
    with pytest.raises(ImportFormatError, match="more than 50,000 rows"):
        read_strong(header + row * (MAX_ROWS + 1))
    entry = {"date": "2024-01-01", "exercise": 1, "repetitions": 5}
    with pytest.raises(ImportFormatError, match="more than 50,000 rows"):
        read_wger(json.dumps([entry] * (MAX_ROWS + 1)))


# --- matching ---------------------------------------------------------------------------------

KNOWN = {
    "barbell-row": ["Barbell bent-over row"],
    "dumbbell-row": ["Dumbbell row", "One-arm dumbbell row"],
    "bicep-curl": ["Biceps curl (dumbbell)", "Bicep Curls Dumbbell"],
    "squat": ["Back squat", "Squat (Barbell)"],
    "front-squat": ["Front squat"],
    "pull-up": ["Pull-up"],
}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Bent Over Row (Barbell)", "barbell-row"),
        ("bent over row barbell", "barbell-row"),
        ("BARBELL BENT-OVER ROW", "barbell-row"),
        ("Bicep Curl (Dumbbell)", "bicep-curl"),
        ("Squat (Barbell)", "squat"),
        ("  squat  ", "squat"),
        ("Pull Ups", "pull-up"),
        ("Pull Up (Assisted)", None),  # the assisted kind is another exercise
        ("Bent Over Row (Dumbbell)", None),  # no guessing from a near word set
        ("Row", None),
        ("Front", None),
        ("", None),
    ],
)
def test_match_exercise(name: str, slug: str | None) -> None:
    assert match_exercise(name, KNOWN) == slug


def test_match_exercise_refuses_an_ambiguous_name() -> None:
    known = {"one": ["Chest press (machine)"], "two": ["Machine chest press"]}
    assert match_exercise("Chest Press (Machine)", known) == "one"  # exact beats word set
    assert match_exercise("press chest machine", known) is None


def test_match_exercise_ignores_accents() -> None:
    assert match_exercise("Développé couché", {"bench": ["developpe couche"]}) == "bench"


# --- never anything but ImportFormatError -----------------------------------------------------

READERS: list[Callable[[str], object]] = [read_strong, read_hevy, read_wger, read_any, detect]
CSV_CELL = st.text(alphabet=st.sampled_from('abcWDF019.,;:- "\r\n\t'), max_size=12)


def _quiet(reader: Callable[[str], object], text: str) -> None:
    with contextlib.suppress(ImportFormatError):
        reader(text)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_raises_only_import_format_error(text: str) -> None:
    for reader in READERS:
        _quiet(reader, text)


@settings(max_examples=150, deadline=None)
@given(
    header=st.sampled_from([STRONG_HEADER, HEVY_HEADER, STRONG_HEADER.replace(",", ";")]),
    rows=st.lists(st.lists(CSV_CELL, max_size=15), max_size=6),
    sep=st.sampled_from([",", ";"]),
)
def test_arbitrary_rows_under_a_real_header(header: str, rows: list[list[str]], sep: str) -> None:
    text = "\n".join([header, *(sep.join(row) for row in rows)])
    for reader in READERS:
        _quiet(reader, text)


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["2024-12-04T18:04:00+01:00", "2024-12-04", "1.5", "80.00", "NaN"]),
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
WGER_KEYS = st.sampled_from(
    [
        "date",
        "exercise",
        "repetitions",
        "repetitions_unit",
        "weight",
        "weight_unit",
        "rir",
        "session",
    ]
)


@settings(max_examples=150, deadline=None)
@given(entries=st.lists(st.dictionaries(WGER_KEYS, JSON_VALUE, max_size=8), max_size=5))
def test_arbitrary_wger_entries(entries: list[dict[str, object]]) -> None:
    text = json.dumps({"count": len(entries), "next": None, "previous": None, "results": entries})
    for reader in READERS:
        _quiet(reader, text)
