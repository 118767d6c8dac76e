"""Print the agreement between the first coding and each independent second coding.

python scripts/agreement.py [RELEASE ...]

Each second coding is compared with the stances of its own release, read from the commit
CHANGELOG.md records for it; the stances of the working tree are added to the list of
those not yet double-coded.
"""

import subprocess
import sys
from pathlib import Path

from ai_openness.publish.release import recorded_release
from ai_openness.views.reliability import agreement, releases

root = Path(__file__).resolve().parents[1]
for release in sys.argv[1:] or releases(root):
    recorded = recorded_release(root, release)
    first = None
    if recorded is not None:
        shown = subprocess.run(
            ["git", "-C", str(root), "show", f"{recorded.commit}:data/stances.csv"],
            capture_output=True,
            text=True,
            check=False,
        )
        first = shown.stdout if shown.returncode == 0 else None
    result = agreement(root, release, first)
    current = agreement(root, release)
    print(result.text())
    if current.not_double_coded:
        print(
            f"  in the working tree, not yet double-coded: {len(current.not_double_coded)} ({', '.join(current.not_double_coded)})"
        )
