"""Hidden check: pages count from 1, page() has a test, and the tests pass."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.getcwd())
from paginate import page

items = list(range(25))
assert page(items, 1) == list(range(10)), page(items, 1)
assert page(items, 3) == list(range(20, 25)), page(items, 3)
assert page(items, 4) == [], page(items, 4)
assert page(items, 2, size=5) == list(range(5, 10)), page(items, 2, size=5)
with open("test_paginate.py", encoding="utf-8") as tests:
    assert re.search(r"\bpage\(", tests.read()), "test_paginate.py does not test page()"
sys.exit(subprocess.run([sys.executable, "-m", "unittest", "-q"]).returncode)
