"""Print the agreement between each first and independent second coding, and the unitizing agreement.

python scripts/agreement.py [RELEASE ...]
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
