"""Where things are: the checkout, and the shared samples in the folder beside it
(``../shared/samples``: /work/main → /work/shared, a CI clone → the shared/ copied beside it,
a worktree under /work/wt → its ``shared`` link)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout
SAMPLES = ROOT.parent / "shared" / "samples"
