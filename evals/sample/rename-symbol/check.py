"""Hidden check: no get_usr is left in any Python file, get_user works, the tests pass."""

import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, os.getcwd())
for path in Path.cwd().rglob("*.py"):
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\bget_usr\b", text), f"{path.name} still mentions get_usr"

import accounts  # noqa: E402
import reports  # noqa: E402

assert accounts.get_user(1) == "ada"
assert reports.user_report([2, 3]) == ["grace", "?"]
sys.exit(subprocess.run([sys.executable, "-m", "unittest", "-q"]).returncode)
