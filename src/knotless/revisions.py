"""How a row's revision is summed in SQL, wherever a count and sum of revisions stand for a
person's rows (the first plan's checkpoint, practice/done.py; the training notes and pages,
training/services.workout_tally).

A revision is a random bigint the database gives a row on every write (practice/0010,
training/0006). Summed, 32 of its bits are taken (PostgreSQL's random revisions have zeros in
their lowest bits), small enough that SQLite sums thousands without overflow.
"""

SUMMED_REVISION = "((revision / 1024) %% 4294967296)"  # written for a query with parameters
