"""Print the agreement between the tables and each independent second coding.

python scripts/agreement.py [RELEASE ...]
"""

import sys
from pathlib import Path

from ai_openness.views.reliability import agreement, releases

root = Path(__file__).resolve().parents[1]
for release in sys.argv[1:] or releases(root):
    print(agreement(root, release).text())
