"""Print the agreement between each first and independent second coding, and the unitizing agreement.

python scripts/agreement.py [RELEASE ...]

Each second coding is compared with its own release's first coding
(codings/reliability/first-coding-<release>.csv); the stances of the working tree it does not
cover are listed as not yet double-coded.
"""

import sys
from pathlib import Path

from ai_openness.views.reliability import agreement, releases, unitizing

root = Path(__file__).resolve().parents[1]
for release in sys.argv[1:] or releases(root):
    print(agreement(root, release).text())
result = unitizing(root)
print(
    result.text()
    if result
    else "unitizing: no second reader's labels yet (codings/reliability/unitizing-second-reader.csv)"
)
