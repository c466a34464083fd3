#!/usr/bin/env python
"""How many reports a second Ruam accepts through its API, against the floor of this stack.

Runs gunicorn on 127.0.0.1 against a fresh PostgreSQL database, then drives it with wrk:
first a Django view that answers a constant JSON without touching the database (/livez: the
floor of Django + gunicorn here), then POST /api/v1/reports with real-looking Thai reports at
random points in Bangkok. Prints reports/s, the share of the floor, and latency percentiles,
and checks that every request made exactly one report.

    .venv/bin/python bench/intake.py [--seconds 20] [--workers 4] [--connections 16]

Needs: PostgreSQL at 127.0.0.1:5432 (user postgres, trust), Debian's wrk. Traffic goes only to
127.0.0.1 and stops after --seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"

LUA = r"""
local key = os.getenv("RUAM_BENCH_KEY")
local categories = {"ถนน", "ทางเท้า", "น้ำท่วม", "แสงสว่าง", "ความสะอาด", "ท่อระบายน้ำ", "ต้นไม้", "กีดขวาง"}
local texts = {"ถนนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย", "ไฟส่องสว่างดับทั้งซอย มืดมาก",
  "น้ำท่วมขังหน้าซอยหลังฝนตก", "ขยะล้นถังไม่มีคนเก็บ", "ทางเท้าชำรุด กระเบื้องแตก"}
local n = 0
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  n = n + 1
  local lat = 13.70 + math.random() * 0.12
  local lon = 100.50 + math.random() * 0.14
  local body = string.format(
    '{"description": "%s (%d)", "lat": %.6f, "lon": %.6f, "categories": ["%s"]}',
    texts[math.random(#texts)], n, lat, lon, categories[math.random(#categories)])
  return wrk.format("POST", "/api/v1/reports",
    {["Content-Type"] = "application/json", ["X-Api-Key"] = key}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d %.3f %.3f %.3f %.3f\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write, summary.errors.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000))
end
"""

GET_LUA = LUA.split("request = function()")[0] + "done" + LUA.split("\ndone")[1]


def run(cmd: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, **kw)


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True
    )


def wrk(url: str, script: Path, seconds: int, connections: int, threads: int, env: dict) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fields = re.search(r"RESULT (.+)", out).group(1).split()
    requests, status_errors, socket_errors, timeouts, duration_us = map(int, fields[:5])
    p50, p95, p99, mean = map(float, fields[5:])
    seconds_taken = duration_us / 1e6
    return {
        "requests": requests,
        "non_2xx": status_errors,
        "socket_errors": socket_errors,
        "timeouts": timeouts,
        "per_second": requests / seconds_taken,
        "ok_per_second": (requests - status_errors) / seconds_taken,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "mean_ms": mean,
    }


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="ruam_bench_intake")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")

    url = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    env = dict(
        os.environ,
        DATABASE_URL=url,
        RUAM_RATELIMIT_REPORTS_API="100000000",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="ruam.settings",
    )
    print(f"preparing {args.database} …", file=sys.stderr)
    psql(f"DROP DATABASE IF EXISTS {args.database}")
    psql(f"CREATE DATABASE {args.database}")
    run([str(BIN / "ruam"), "migrate", "-v0"], env)
    run([str(BIN / "ruam"), "load-reference", "-v0"], env)
    key = run([str(BIN / "ruam"), "apikey", "create", "bench"], env).stdout.strip()
    env["RUAM_BENCH_KEY"] = key

    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "ruam.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{args.port}",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
            "--access-logformat",
            "",
            "--preload",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/livez", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        with tempfile.TemporaryDirectory() as tmp:
            post_lua, get_lua = Path(tmp) / "post.lua", Path(tmp) / "get.lua"
            post_lua.write_text(LUA)
            get_lua.write_text(GET_LUA)
            load = (args.connections, args.threads, env)
            # Warm both paths (imports, connections, the locate index in every worker).
            wrk(f"{base}/livez", get_lua, args.warmup, *load)
            warm = wrk(base, post_lua, args.warmup, *load)
            floor = wrk(f"{base}/livez", get_lua, args.seconds, *load)
            intake = wrk(base, post_lua, args.seconds, *load)
    finally:
        server.terminate()
        server.wait(timeout=10)

    made = int(
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                args.database,
                "-tAc",
                "SELECT count(*) FROM reports_report",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    expected = (warm["requests"] - warm["non_2xx"]) + (intake["requests"] - intake["non_2xx"])
    result = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "floor_per_second": round(floor["per_second"], 1),
        "floor_p95_ms": floor["p95_ms"],
        "reports_per_second": round(intake["ok_per_second"], 1),
        "share_of_floor": round(intake["ok_per_second"] / floor["per_second"], 3),
        "reports_p50_ms": intake["p50_ms"],
        "reports_p95_ms": intake["p95_ms"],
        "reports_p99_ms": intake["p99_ms"],
        "non_2xx": intake["non_2xx"],
        "socket_errors": intake["socket_errors"] + intake["timeouts"],
        "reports_in_database": made,
        "reports_expected": expected,
    }
    psql(f"DROP DATABASE IF EXISTS {args.database}")
    if args.json:
        print(json.dumps(result, indent=2))
        return
    r = result
    lines = [
        f"date {r['date']} · {r['machine']}",
        f"gunicorn {args.workers} workers · wrk {args.connections} connections · "
        f"{args.seconds} s each",
        f"floor  (GET /livez):           {r['floor_per_second']:>8} req/s   "
        f"p95 {floor['p95_ms']:.1f} ms",
        f"intake (POST /api/v1/reports): {r['reports_per_second']:>8} reports/s "
        f"p50 {intake['p50_ms']:.1f} ms  p95 {intake['p95_ms']:.1f} ms  "
        f"p99 {intake['p99_ms']:.1f} ms",
        f"share of floor: {r['share_of_floor']:.1%} · non-2xx {intake['non_2xx']} · "
        f"reports in the database {made} (expected {expected})",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
