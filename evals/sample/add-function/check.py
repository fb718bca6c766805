"""Hidden check: slugify() behaves as asked, it has tests, and the tests pass."""

import os
import subprocess
import sys

sys.path.insert(0, os.getcwd())
from text_tools import slugify

CASES = {
    "Hello, World!": "hello-world",
    "  Many   spaces  ": "many-spaces",
    "already-a-slug": "already-a-slug",
    "Version 2.0 -- released": "version-2-0-released",
}
for title, slug in CASES.items():
    assert slugify(title) == slug, f"slugify({title!r}) = {slugify(title)!r}, not {slug!r}"
with open("test_text_tools.py", encoding="utf-8") as tests:
    assert "slugify(" in tests.read(), "test_text_tools.py does not test slugify"
sys.exit(subprocess.run([sys.executable, "-m", "unittest", "-q"]).returncode)
