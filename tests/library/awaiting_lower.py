"""Atlas muscles of the pelvis, leg and foot (atlas/muscles/04-pelvis-leg-foot.toml), safe for
self-care, but with no release or stretch yet (issue 16). Remove a muscle here in the same commit
that adds its first release or stretch; see tests/library/awaiting.py."""

from __future__ import annotations

AWAITING = frozenset(
    {
        "short-hip-rotators",
        "medial-hamstrings",
        "plantaris",
        "extensor-digitorum-brevis",
        "flexor-digitorum-longus",
        "abductor-digiti-minimi-foot",
        "adductor-hallucis",
        "flexor-hallucis-brevis",
    }
)
