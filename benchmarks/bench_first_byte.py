"""Time from launching `codex exec` to its first request reaching the provider, per provider.

    python benchmarks/bench_first_byte.py [--runs 10]

A small HTTP listener in this process notes when each request arrives (and answers 401, so the
run ends at once). Baselines measured in the same run: `python -c pass`, and a script that
imports the provider's SDK and sends the same request directly, the floor for any Python
program that talks to that provider through its SDK.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parents[1]
ARRIVALS: list[float] = []
SDK_SCRIPTS = {
    "openai": "import openai; openai.OpenAI(max_retries=0).responses.create(model='m', input='hi')",
    "anthropic": (
        "import anthropic; anthropic.Anthropic(max_retries=0)"
        ".messages.create(model='m', max_tokens=5, messages=[{'role': 'user', 'content': 'hi'}])"
    ),
}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        ARRIVALS.append(time.time())
        body = b'{"error": {"message": "bench", "type": "invalid_api_key"}}'
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def first_byte(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from launching ``argv`` to its first request arriving."""
    ARRIVALS.clear()
    start = time.time()
    subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
    if not ARRIVALS:
        raise SystemExit(f"no request arrived from {argv}")
    return ARRIVALS[0] - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    with TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        subprocess.run(["git", "init", "-q", str(cwd)], check=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CODEX_HOME": str(cwd / ".home"),
            "OPENAI_API_KEY": "bench",
            "ANTHROPIC_API_KEY": "bench",
            "OPENAI_BASE_URL": f"{url}/v1",
            "ANTHROPIC_BASE_URL": url,
        }
        started = []
        for _ in range(runs):
            begin = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            started.append(time.perf_counter() - begin)
        print(f"python -c pass                       {statistics.median(started) * 1000:7.1f} ms")
        for provider, sdk_script in SDK_SCRIPTS.items():
            codex = [sys.executable, "-m", "codex_py.cli", "exec", "--provider", provider, "hi"]
            sdk = [first_byte([sys.executable, "-c", sdk_script], env, cwd) for _ in range(runs)]
            ours = [first_byte(codex, env, cwd) for _ in range(runs)]
            for label, times in (("SDK alone, ", sdk), ("codex exec,", ours)):
                median = statistics.median(times) * 1000
                print(f"{provider:<9} {label} launch → request {median:7.1f} ms")
    server.shutdown()


if __name__ == "__main__":
    main()
