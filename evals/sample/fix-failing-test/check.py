"""Hidden check: mean() is right, and the repository's own tests pass."""

import os
import subprocess
import sys

sys.path.insert(0, os.getcwd())
from stats import mean

assert mean([2, 4, 6]) == 4, mean([2, 4, 6])
assert mean([5]) == 5, mean([5])
assert mean([1, 2]) == 1.5, mean([1, 2])
sys.exit(subprocess.run([sys.executable, "-m", "unittest", "-q"]).returncode)
