"""Question pages of ``assembler serve`` under load: 10 clients in a closed loop with no think time.

Run: ``python benchmarks/serve_latency.py [--clients 10] [--seconds 20]``. Starts ``assembler serve --data DIR`` on a
free port of 127.0.0.1 (the load generator runs on the same machine); each client uploads the small collaborative
fixture into its own session, then over and over opens one answer from "check your answers", GETs the question
page and POSTs a changed answer (the form's CSRF token and page fingerprint read from the page). Prints the median,
95th percentile and maximum of the question pages' GETs and POSTs (target: 95th <= 100 ms); builds are excluded.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "interview" / "cjv_cic.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def client_loop(base: str, stop: float, gets: list[float], posts: list[float], n: int) -> None:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        start = client.get("/")
        client.post(
            "/upload",
            data={"csrf": field(start.text, "csrf")},
            files={"answers": ("a.yaml", FIXTURE.read_bytes(), "application/yaml")},
        )
        i = 0
        while time.monotonic() < stop:
            client.get("/change", params={"to": "collaborative.purpose"})
            t = time.perf_counter()
            page = client.get("/question")
            gets.append((time.perf_counter() - t) * 1000)
            form = {"csrf": field(page.text, "csrf"), "page": field(page.text, "page"), "action": "continue"}
            form["answer"] = f"to join up community services ({n}.{i})"
            t = time.perf_counter()
            answered = client.post("/question", data=form)
            posts.append((time.perf_counter() - t) * 1000)
            assert answered.status_code == 303, answered.text[-500:]
            i += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [sys.executable, "-m", "assembler", "serve", "--data", tmp, "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(base + "/", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            gets: list[float] = []
            posts: list[float] = []
            stop = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=client_loop, args=(base, stop, gets, posts, n)) for n in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(10)
    for name, times in (("GET /question", gets), ("POST /question", posts), ("both", gets + posts)):
        ordered = sorted(times)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(
            f"{name:15} {len(ordered):6} requests  median {statistics.median(ordered):6.1f} ms  "
            f"95th {p95:6.1f} ms  max {ordered[-1]:6.1f} ms"
        )


if __name__ == "__main__":
    main()
