"""Atlas muscles of the head, arm and trunk (atlas/muscles/03-head-arm-trunk.toml), safe for
self-care, but with no release or stretch yet (issue 16). Remove a muscle here in the same commit
that adds its first release or stretch; see tests/library/awaiting.py."""

from __future__ import annotations

AWAITING = frozenset[str]()
