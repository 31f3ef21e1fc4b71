"""Shares with a physio: the content round trip, and every way a share stops answering."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from knotless.journal import services as journal
from knotless.journal.models import CheckIn
from knotless.portable.fhir import Only, bundle
from knotless.safety.policy import knot_areas
from knotless.safety.screening import record
from knotless.sharing import links, services
from knotless.sharing.models import MAX_WRONG_PASSCODES, Share, ShareAccess

BASE = "http://testserver"


def _absolute(path: str) -> str:
    return BASE + path


def _diary(user: Any) -> tuple[Any, Any]:
    neck = journal.add_knot(
        user, region="back-of-neck", side="left", muscle="upper-trapezius", pain=6, tz_name="UTC"
    )
    calf = journal.add_knot(user, region="calf", side="right", pain=3, tz_name="UTC")
    now = timezone.now()
    for days, pain in ((20, 7), (10, 5), (2, 4)):
        CheckIn.objects.create(
            knot=neck, moment=now - timedelta(days=days), pain=pain, note=f"day -{days}"
        )
    CheckIn.objects.create(knot=neck, moment=now - timedelta(days=60), pain=9)  # before "since"
    record(user, knot_areas(neck), [], knot=neck)
    return neck, calf


def _make(user: Any, knots: list[Any], **kw: Any) -> services.Made:
    today = timezone.localdate()
    return services.create(
        user,
        [k.pk for k in knots],
        kw.pop("since", today - timedelta(weeks=5)),
        kw.pop("until", today),
        kw.pop("lifetime", timedelta(days=7)),
        absolute=_absolute,
        **kw,
    )


def _open(made: services.Made, **kw: Any) -> services.Answer:
    payload = links.read_shlink(made.link)
    share_id = payload["url"].removeprefix(BASE).split("/")[2]
    return services.manifest(
        share_id, kw.pop("recipient", "Dr Physio"), kw.pop("passcode", None), "203.0.113.9", **kw
    )


def test_it_makes_a_link_that_decrypts_to_the_chosen_part_of_the_bundle(user: Any) -> None:
    neck, _calf = _diary(user)
    made = _make(user, [neck])
    payload = links.read_shlink(made.link)
    assert made.link.startswith(f"{BASE}/shared/#shlink:/")
    assert payload["key"] == made.key and len(made.key) == 43
    assert payload["url"] == f"{BASE}/shared/{made.share.pk}/manifest"
    assert len(payload["url"]) <= 128
    assert "flag" not in payload  # no passcode
    assert payload["exp"] == int(made.share.expires_at.timestamp())
    answer = _open(made)
    assert answer.status == 200
    (file,) = answer.body["files"]
    assert file["contentType"] == "application/fhir+json"
    protected = links.unb64url(file["embedded"].split(".")[0])
    assert b'"alg":"dir"' in protected and b'"enc":"A256GCM"' in protected
    assert b'"zip":"DEF"' in protected
    shared = links.decrypt(file["embedded"], made.key)
    today = timezone.localdate()
    start, end = services._bounds(user, today - timedelta(weeks=5), today)
    expected = bundle(user, now=made.share.created_at, only=Only([neck.pk], start, end))
    assert shared == expected
    resources = [e["resource"] for e in shared["entry"]]
    pains = [r["valueInteger"] for r in resources if "valueInteger" in r]
    # The neck's ratings in the five weeks (its first one when added, then 7, 5, 4); not the
    # one from 60 days ago, and nothing of the calf.
    assert sorted(pains) == sorted([6, 7, 5, 4])
    sites = {r["bodySite"]["text"] for r in resources if r["resourceType"] == "Observation"}
    assert sites == {neck.label}
    conditions = [r for r in resources if r["resourceType"] == "Condition"]
    assert [c["bodySite"][0]["text"] for c in conditions] == [neck.label]
    kinds = {e["resource"]["resourceType"] for e in shared["entry"]}
    assert "QuestionnaireResponse" in kinds


def test_it_validates_as_fhir(user: Any) -> None:
    from fhir.resources.R4B.bundle import Bundle

    neck, _ = _diary(user)
    made = _make(user, [neck])
    shared = links.decrypt(_open(made).body["files"][0]["embedded"], made.key)
    Bundle.model_validate(shared)


def test_it_never_stores_the_key(user: Any) -> None:
    neck, _ = _diary(user)
    made = _make(user, [neck], passcode="open sesame")
    _open(made, passcode="open sesame")
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    raw = links.unb64url(made.key)
    assert made.share.content in dump  # the dump has the ciphertext: it is the right dump
    for form in (made.key, raw.hex(), links.b64url(raw).rstrip("=")):
        assert form not in dump
    assert "open sesame" not in dump
    # And not in any table the ORM does not know either: every text column of every table.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # our own table names
            for row in cursor.fetchall():
                assert made.key not in repr(row), table


def test_it_refuses_after_expiry_and_purges(user: Any) -> None:
    neck, _ = _diary(user)
    made = _make(user, [neck], lifetime=timedelta(hours=1))
    assert _open(made).status == 200
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert _open(made, recipient="Late physio").status == 404
    share = Share.objects.get(pk=made.share.pk)
    assert share.content == ""  # purged on that read
    assert [a.outcome for a in share.accesses.all()] == ["expired", "ok"]
    assert share.accesses.first().recipient == "Late physio"  # type: ignore[union-attr]
    # A month later the row and its log go too.
    with time_machine.travel(timezone.now() + services.KEEP_ENDED + timedelta(hours=2)):
        assert services.purge() == (0, 1)  # the share, and its accesses with it
    assert not Share.objects.filter(pk=made.share.pk).exists()


def test_it_refuses_after_revoke(user: Any) -> None:
    neck, _ = _diary(user)
    made = _make(user, [neck])
    services.revoke(made.share)
    assert _open(made).status == 404
    share = Share.objects.get(pk=made.share.pk)
    assert share.content == "" and share.state() == "revoked"
    assert share.accesses.get().outcome == ShareAccess.Outcome.REVOKED


def test_it_locks_after_too_many_wrong_passcodes(user: Any) -> None:
    neck, _ = _diary(user)
    made = _make(user, [neck], passcode="right one")
    assert links.read_shlink(made.link)["flag"] == "P"
    assert _open(made).body == {"error": "A passcode is needed.", "remainingAttempts": 5}
    left = [
        _open(made, passcode=f"guess {n}").body["remainingAttempts"]
        for n in range(MAX_WRONG_PASSCODES)
    ]
    assert left == [4, 3, 2, 1, 0]
    answer = _open(made, passcode="right one")  # too late: locked
    assert answer.status == 404
    share = Share.objects.get(pk=made.share.pk)
    assert share.state() == "locked" and share.content == ""
    outcomes = [a.outcome for a in share.accesses.order_by("at", "id")]
    assert outcomes == ["nopass"] + ["wrong"] * 5 + ["locked"]


def test_the_right_passcode_opens_it(user: Any) -> None:
    neck, _ = _diary(user)
    made = _make(user, [neck], passcode="right one")
    assert _open(made, passcode="wrong").status == 401
    answer = _open(made, passcode="right one")
    assert answer.status == 200
    assert links.decrypt(answer.body["files"][0]["embedded"], made.key)["resourceType"] == "Bundle"


def test_it_logs_every_access(user: Any) -> None:
    neck, _ = _diary(user)
    made = _make(user, [neck])
    for who in ("Dr A", "Dr B", "Clinic C"):
        _open(made, recipient=who)
    log = list(made.share.accesses.order_by("at", "id"))
    assert [(a.recipient, a.address, a.outcome) for a in log] == [
        ("Dr A", "203.0.113.9", "ok"),
        ("Dr B", "203.0.113.9", "ok"),
        ("Clinic C", "203.0.113.9", "ok"),
    ]


def test_an_unknown_share_is_404_and_logs_nothing(user: Any) -> None:
    neck, _ = _diary(user)
    _make(user, [neck])
    answer = services.manifest(links.new_id(), "Dr X", None, "203.0.113.9")
    assert answer.status == 404
    assert ShareAccess.objects.count() == 0


def test_share_ids_are_random_not_sequential(user: Any) -> None:
    neck, _ = _diary(user)
    ids = [_make(user, [neck]).share.pk for _ in range(5)]
    assert len(set(ids)) == 5
    assert all(len(i) == 43 and len(links.unb64url(i)) == 32 for i in ids)


def test_it_will_not_share_another_persons_knot(user: Any, stranger: Any) -> None:
    neck, _ = _diary(user)
    with pytest.raises(ValueError, match="at least one"):
        _make(stranger, [neck])


def test_any_jose_reader_can_open_it(user: Any) -> None:
    """The file decrypted by hand, as the spec describes it (not through jwcrypto): compact
    JWE, empty key part, AES-256-GCM over the protected header as AAD, raw DEFLATE inside."""
    import json
    import zlib

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    neck, _ = _diary(user)
    made = _make(user, [neck])
    compact = _open(made).body["files"][0]["embedded"]
    head, wrapped, iv, ciphertext, tag = compact.split(".")
    assert wrapped == ""  # "dir": no key in the message
    header = json.loads(links.unb64url(head))
    assert header == {"alg": "dir", "enc": "A256GCM", "cty": "application/fhir+json", "zip": "DEF"}
    sealed = links.unb64url(ciphertext) + links.unb64url(tag)
    opened = AESGCM(links.unb64url(made.key)).decrypt(
        links.unb64url(iv), sealed, head.encode("ascii")
    )
    document = json.loads(zlib.decompress(opened, wbits=-15))
    assert document == links.decrypt(compact, made.key)
    assert len(links.unb64url(iv)) == 12  # a 96-bit nonce, fresh for each file
    other = _make(user, [neck], since=timezone.localdate(), until=timezone.localdate())
    other_iv = _open(other).body["files"][0]["embedded"].split(".")[2]
    assert other_iv != iv
