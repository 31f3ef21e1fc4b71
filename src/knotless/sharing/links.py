"""SMART Health Links mechanics, no Django: keys, the JWE, the shlink payload, the QR code.

The spec (HL7 SMART Health Cards and Links IG, STU1): a payload ``{url, key, exp, flag, label}``
as minified JSON, base64url-encoded, after ``shlink:/``, optionally after a viewer URL ending in
``#`` (the fragment never reaches a server, so neither does the key). Files are compact JWEs with
``alg: dir``, ``enc: A256GCM``, a ``cty`` naming the content type, and ``zip: DEF`` (raw
DEFLATE) to keep a long diary small.

Why jwcrypto: the JOSE library of the Red Hat/latchset people, maintained for a decade, with
typeshed stubs, and it caps what a DEF payload may inflate to when decrypting. joserfc would do
the job too; jwcrypto is the one the design note named and has more users to find its bugs.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

import segno
from jwcrypto import jwe, jwk

CONTENT_TYPE = "application/fhir+json"
FHIR_VERSION = "4.0.1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_id() -> str:
    """A share id: 32 random bytes, 43 base64url characters (256 bits, as the spec asks)."""
    return b64url(secrets.token_bytes(32))


def new_key() -> str:
    """The content key: 32 random bytes, base64url (43 characters)."""
    return b64url(secrets.token_bytes(32))


def _jwk(key: str) -> jwk.JWK:
    return jwk.JWK(kty="oct", k=key)


def encrypt(document: dict[str, Any], key: str, content_type: str = CONTENT_TYPE) -> str:
    """``document`` as minified JSON, deflated, encrypted: a compact JWE. A fresh random
    nonce every time (jwcrypto draws one per encryption)."""
    plaintext = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    header = {"alg": "dir", "enc": "A256GCM", "cty": content_type, "zip": "DEF"}
    token = jwe.JWE(plaintext, protected=json.dumps(header, separators=(",", ":")))
    token.add_recipient(_jwk(key))
    return str(token.serialize(compact=True))


def decrypt(compact: str, key: str) -> dict[str, Any]:
    """The document back from a compact JWE (for tests and the CLI)."""
    token = jwe.JWE()
    token.deserialize(compact, key=_jwk(key))
    found: dict[str, Any] = json.loads(token.payload)
    return found


def payload(manifest_url: str, key: str, exp: int, label: str, passcode: bool) -> dict[str, Any]:
    found: dict[str, Any] = {"url": manifest_url, "key": key, "exp": exp}
    if passcode:
        found["flag"] = "P"
    found["label"] = label[:80]
    return found


def shlink(viewer_url: str, found: dict[str, Any]) -> str:
    """The link: the viewer page, then ``#shlink:/`` and the base64url payload."""
    encoded = b64url(json.dumps(found, separators=(",", ":")).encode())
    return f"{viewer_url}#shlink:/{encoded}"


def read_shlink(link: str) -> dict[str, Any]:
    """The payload of a link made by :func:`shlink` (or a bare ``shlink:/…``)."""
    bare = link.split("#", 1)[-1]
    if not bare.startswith("shlink:/"):
        raise ValueError("not a SMART Health Link")
    found: dict[str, Any] = json.loads(unb64url(bare.removeprefix("shlink:/")))
    return found


def qr_svg(link: str) -> str:
    """The link as an inline SVG QR code, error correction M as the spec recommends. Drawn
    with presentation attributes only (no style attribute), so the page's CSP lets it be."""
    code = segno.make(link, error="m", micro=False, boost_error=False)
    svg: str = code.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code of the link" ', 1)
