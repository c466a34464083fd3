#!/usr/bin/env python
"""Load without loss, and the fault drills: 100 clients against gunicorn + PostgreSQL.

A fresh database, gunicorn (ruam/serve.py) and the database worker on 127.0.0.1. Each client
loops for --seconds over a mix: report creation through the API (a quarter of them with a
photo; every create carries an Idempotency-Key and is retried with the same key after a 503,
a timeout or a refused connection), public pages, and API reads. Afterwards the database is
compared with the answers: every report a client was told about exists exactly once, and no
report exists that no client was told about (0 lost, 0 duplicated). Each division's people are
told of each new report once (counted in the e-mail files).

    .venv/bin/python bench/load.py [--seconds 60] [--clients 100] [--rate 300]
                                      [--fault none|restart-db|kill-worker]

Gunicorn runs with ruam/serve.py's settings (workers started warm, four single-threaded
processes a core; --workers and --threads change them) and the worker at nice 10, as `make serve`
runs it (--worker-nice).

Without --rate each client sends its next request as soon as it has an answer: the run measures
what the server can carry, and with 100 clients always waiting the latency is 100 / throughput.
With --rate R the clients together send R requests/s (Poisson arrivals, shared between them):
the run measures the latency at that traffic, the target's form ("p95 < 200 ms at >= 300
requests/s"). A client still waiting for an answer when its next request is due sends it late,
so a server that falls behind shows it in the throughput as well as in the latency.
Responses' X-Ruam-Cache header (core/pagecache.py) is counted: how many pages were kept copies.

--fault restart-db restarts the machine's PostgreSQL (pg_ctlcluster) a third of the way in:
run it only where nothing else uses that server. --fault kill-worker kills the worker with
SIGKILL mid-run, then `ruam requeue-stalled` and a new worker finish its tasks.
Traffic goes only to 127.0.0.1 and stops after --seconds; --record appends to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import io
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TEXTS = [
    "ถนนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย",
    "ไฟส่องสว่างดับทั้งซอย มืดมาก",
    "น้ำท่วมขังหน้าซอยหลังฝนตก",
    "ขยะล้นถังไม่มีคนเก็บ",
    "ทางเท้าชำรุด กระเบื้องแตก",
]
CATEGORIES = ["ถนน", "แสงสว่าง", "น้ำท่วม", "ความสะอาด", "ทางเท้า"]
DISTRICTS = [str(1001 + i) for i in range(50)]


def psql(sql: str, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atqc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def prepare(env: dict) -> None:
    """Migrate and load the reference data into ``env``'s database, with one official with an
    e-mail address in every division: each new report tells someone (also bench/worker.py)."""
    ruam = [str(BIN / "ruam")]
    subprocess.run([*ruam, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*ruam, "load-reference", "-v0"], env=env, check=True)
    subprocess.run(
        [*ruam, "shell", "-c",
         "import datetime as d; from django.contrib.auth import get_user_model as g; "
         "from ruam.bodies.models import Body; from ruam.bodies.services import appoint; "
         "u = g().objects.create_user('bench-official', email='official@bench.invalid'); "
         "[appoint(person=u, body=b, role='official', start=d.date(2024, 1, 1)) "
         "for b in Body.objects.filter(kind='division')]"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def cpu_seconds(server_pid: int) -> Counter:
    """CPU seconds each process has used so far, by (part, pid), from /proc: gunicorn (its master
    and workers), the worker, PostgreSQL (every backend) and this load generator."""
    used: Counter = Counter()
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm, rest = (entry / "stat").read_text().rsplit(")", 1)
            command = (entry / "cmdline").read_bytes()
        except OSError:  # gone meanwhile
            continue
        fields = rest.split()
        pid, ppid = int(entry.name), int(fields[1])
        if server_pid in (pid, ppid):
            part = "gunicorn"
        elif b"db_worker" in command:
            part = "worker"
        elif comm.endswith("(postgres"):
            part = "PostgreSQL"
        elif pid == os.getpid():
            part = "load generator"
        else:
            continue
        used[(part, pid)] = (int(fields[11]) + int(fields[12])) / tick
    return used


def cpu_between(before: Counter, after: Counter) -> Counter:
    """CPU seconds each part used between two readings (a process that ended meanwhile, such as
    a killed worker, is not counted after the first reading)."""
    used: Counter = Counter()
    for (part, pid), seconds in after.items():
        used[part] += seconds - before.get((part, pid), 0.0)
    return used


def photo() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    noise = Image.effect_noise((800, 600), 40).convert("RGB")
    noise.save(buffer, "JPEG", quality=80)
    return base64.b64encode(buffer.getvalue()).decode()


class Load:
    def __init__(
        self, base: str, key: str, seconds: int, clients: int, rate: float = 0, warmup: float = 0
    ) -> None:
        self.base, self.key, self.seconds, self.clients = base, key, seconds, clients
        self.rate, self.warmup = rate, warmup
        self.measure_from = 0.0  # requests sent before this (the warm-up) are not timed
        self.cached: Counter = Counter()  # (kind, "hit" | "miss") from X-Ruam-Cache
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.acknowledged: dict[str, str] = {}  # idempotency key → report code
        self.gave_up: list[str] = []  # retried until the last attempt, never acknowledged
        self.refused = 0  # a 4xx answer (e.g. a point outside Bangkok): nothing was made
        self.codes: list[str] = []
        self.photo = photo()
        self.cpu_of = lambda: Counter()  # what cpu_seconds() says, set once gunicorn runs
        self.cpu: Counter = Counter()  # CPU seconds used during the timed part

    async def request(self, session, kind: str, method: str, url: str, **kw):
        started = time.perf_counter()
        try:
            async with session.request(method, self.base + url, **kw) as response:
                body = await response.read()
                status = response.status
                if kept := response.headers.get("X-Ruam-Cache"):
                    self.cached[(kind, kept)] += 1
        except (TimeoutError, OSError) as exc:
            body, status = b"", f"error:{type(exc).__name__}"
        if started >= self.measure_from:
            self.latency[kind].append(time.perf_counter() - started)
        self.statuses[(kind, status)] += 1
        return status, body

    async def create(self, session) -> None:
        key = str(uuid.uuid4())
        payload = {
            "description": random.choice(TEXTS),
            "lat": 13.70 + random.random() * 0.12,
            "lon": 100.50 + random.random() * 0.14,
            "categories": [random.choice(CATEGORIES)],
        }
        if random.random() < 0.25:
            payload["photos"] = [self.photo]
        headers = {"X-Api-Key": self.key, "Idempotency-Key": key}
        for attempt in range(8):
            status, body = await self.request(
                session, "create", "POST", "/api/v1/reports", json=payload, headers=headers
            )
            if status in (200, 201):
                code = json.loads(body)["code"]
                self.acknowledged[key] = code
                self.codes.append(code)
                return
            if status in (429, 503) or str(status).startswith("error"):
                await asyncio.sleep(min(2**attempt * 0.2, 5))
                continue
            self.refused += 1  # a refusal (4xx): nothing was made
            return
        self.gave_up.append(key)

    async def client(self, session, deadline: float) -> None:
        due = time.monotonic()
        while time.monotonic() < deadline:
            if self.rate:
                due += random.expovariate(self.rate / self.clients)
                if (wait := due - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                if time.monotonic() >= deadline:
                    break
            roll = random.random()
            if roll < 0.2:
                await self.create(session)
            elif roll < 0.7:
                url = random.choice(
                    [
                        "/",
                        f"/districts/{random.choice(DISTRICTS)}/",
                        f"/districts/{random.choice(DISTRICTS)}/issues/",
                        "/search/?q=ไฟ",
                        f"/reports/{random.choice(self.codes)}/" if self.codes else "/",
                    ]
                )
                await self.request(session, "page", "GET", url)
            else:
                url = random.choice(
                    [
                        f"/api/v1/reports?district={random.choice(DISTRICTS)}&limit=20",
                        f"/api/v1/reports/{random.choice(self.codes)}" if self.codes else
                        "/api/v1/districts",
                    ]
                )  # fmt: skip
                await self.request(session, "api", "GET", url)

    async def run(self) -> float:
        import aiohttp

        timeout = aiohttp.ClientTimeout(total=30)
        connector = aiohttp.TCPConnector(limit=self.clients)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            started = time.monotonic()
            deadline = started + self.warmup + self.seconds
            self.measure_from = time.perf_counter() + self.warmup
            before: Counter = Counter()
            asyncio.get_running_loop().call_later(self.warmup, lambda: before.update(self.cpu_of()))
            await asyncio.gather(*(self.client(session, deadline) for _ in range(self.clients)))
            self.cpu = cpu_between(before, self.cpu_of())
            return time.monotonic() - started - self.warmup


def new_report_notices(folder: Path) -> Counter:
    """How many times each report's "new report" notice was sent (the e-mail files)."""
    from email import message_from_string
    from email.header import decode_header, make_header

    found: Counter = Counter()
    for path in folder.glob("*.log"):
        for raw in path.read_text(encoding="utf-8").split("-" * 79):
            if not raw.strip():
                continue
            subject = str(make_header(decode_header(message_from_string(raw.strip())["Subject"])))
            if match := re.search(r"New report: (\S+)", subject):
                found[match.group(1).replace("-", "")] += 1
    return found


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument(
        "--rate", type=float, default=0, help="requests/s the clients send together (0: flat out)"
    )
    parser.add_argument(
        "--warmup", type=float, default=0, help="seconds of traffic before the timed --seconds"
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=None, help="threads per gunicorn worker")
    parser.add_argument(
        "--worker-nice", type=int, default=10, help="the worker's niceness (as `make serve`)"
    )
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--database", default="ruam_bench_load")
    parser.add_argument("--fault", choices=["none", "restart-db", "kill-worker"], default="none")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args()

    mail = Path(tempfile.mkdtemp(prefix="ruam-mail-"))
    metrics = Path(tempfile.mkdtemp(prefix="ruam-prom-"))
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        ALLOWED_HOSTS="127.0.0.1",
        RUAM_REQUIRE_2FA="0",
        RUAM_RATELIMIT_REPORTS_API="100000000",
        RUAM_RATELIMIT_WRITES="100000000",
        RUAM_RATELIMIT_WRITES_KEY="100000000",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail),
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
        RUAM_BIND=f"127.0.0.1:{args.port}",
    )
    if args.workers:
        env["RUAM_WORKERS"] = str(args.workers)
    if args.threads:
        env["RUAM_THREADS"] = str(args.threads)
    ruam = [str(BIN / "ruam")]
    print(f"preparing {args.database} …", file=sys.stderr)
    psql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    psql(f"CREATE DATABASE {args.database}")
    prepare(env)
    key = subprocess.run(
        [*ruam, "apikey", "create", "load"], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()

    work = ["nice", "-n", str(args.worker_nice), *ruam, "db_worker", "--interval", "0.2", "-v0"]
    worker = subprocess.Popen(work, env=env, cwd=ROOT)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "python:ruam.serve", "--access-logfile", "/dev/null"],
        env=env,
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/livez", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    load = Load(base, key, args.seconds, args.clients, args.rate, args.warmup)
    load.cpu_of = lambda: cpu_seconds(server.pid)
    fault_log: list[str] = []

    async def fault() -> None:
        await asyncio.sleep(args.seconds / 3)
        nonlocal worker
        if args.fault == "restart-db":
            cluster = psql("SHOW server_version").split(".")[0]
            started = time.monotonic()
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"],
                check=True,
            )
            fault_log.append(f"PostgreSQL restarted in {time.monotonic() - started:.1f} s")
        elif args.fault == "kill-worker":
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            fault_log.append("worker killed (SIGKILL)")
            await asyncio.sleep(3)
            subprocess.run(
                [*ruam, "requeue-stalled", "--older-than", "0", "-v0"], env=env, check=True
            )
            worker = subprocess.Popen(work, env=env, cwd=ROOT)
            fault_log.append("stalled tasks made ready again; a new worker started")

    async def both() -> float:
        jobs = [load.run()] + ([fault()] if args.fault != "none" else [])
        return (await asyncio.gather(*jobs))[0]

    try:
        elapsed = asyncio.run(both())
        # Let the worker finish: nothing waiting or running in the queue.
        for _ in range(600):
            left = psql(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status IN ('READY', 'RUNNING')",
                args.database,
            )
            if left == "0":
                break
            time.sleep(0.5)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)

    stored = Counter(
        psql("SELECT code FROM reports_report WHERE channel = 'api'", args.database).split()
    )
    told = set(load.acknowledged.values())
    lost = sorted(told - set(stored))
    duplicated = sorted(code for code, n in stored.items() if n > 1)
    unacknowledged = sorted(set(stored) - told)
    notices = new_report_notices(mail)
    twice = sorted(code for code, n in notices.items() if n > 1)
    untold = sum(1 for code in told if code not in notices)
    everything = [value for values in load.latency.values() for value in values]
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "load_average_after": os.getloadavg()[0],
        "fault": args.fault,
        "fault_log": fault_log,
        "clients": args.clients,
        "warmup_seconds": args.warmup,
        "offered_per_second": args.rate or None,
        # ruam/serve.py's defaults: four workers a core, one thread each
        "gunicorn": f"{env.get('RUAM_WORKERS', (os.cpu_count() or 1) * 4)} workers x "
        f"{env.get('RUAM_THREADS', 1)} threads",
        "worker_nice": args.worker_nice,
        "seconds": round(elapsed, 1),
        "requests": len(everything),
        "per_second": round(len(everything) / elapsed, 1),
        "p50_ms": round(percentile(everything, 0.5), 1),
        "p95_ms": round(percentile(everything, 0.95), 1),
        "p95_ms_by_kind": {k: round(percentile(v, 0.95), 1) for k, v in load.latency.items()},
        "statuses": {f"{k} {s}": n for (k, s), n in sorted(load.statuses.items(), key=str)},
        "kept_copies": {f"{k} {s}": n for (k, s), n in sorted(load.cached.items())},
        # during the timed part, of (cores x seconds) the machine had; gunicorn's per request
        "cpu_seconds": {part: round(used, 1) for part, used in load.cpu.most_common()},
        "gunicorn_cpu_ms_per_request": round(
            1000 * load.cpu["gunicorn"] / max(1, len(everything)), 1
        ),
        "reports_acknowledged": len(told),
        "creates_refused": load.refused,
        "creates_given_up_after_retries": len(load.gave_up),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "stored_without_an_answer": len(unacknowledged),
        "new_report_notices_twice": len(twice),
        "reports_never_told": untold,
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.record:
        paced = f", {args.rate:g} requests/s offered" if args.rate else ", flat out"
        rate_flag = f" --rate {args.rate:g}" if args.rate else ""
        rate_flag += f" --warmup {args.warmup:g}" if args.warmup else ""
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as out:
            out.write(
                f"\n### Load without loss — fault: {args.fault}{paced} ({result['date']})\n"
                f"{result['machine']}; load average after: {result['load_average_after']:.1f}. "
                f"{args.clients} clients for {result['seconds']} s against gunicorn "
                f"({result['gunicorn']}; worker at nice {args.worker_nice}) + PostgreSQL "
                f"(`bench/load.py --fault {args.fault}"
                f"{rate_flag}`).\n\n"
                f"| requests/s | p50 | p95 | p95 create / page / API | lost | duplicated | "
                f"stored without answer | notices twice | never told |\n"
                f"|---|---|---|---|---|---|---|---|---|\n"
                f"| {result['per_second']} | {result['p50_ms']} ms | {result['p95_ms']} ms | "
                f"{result['p95_ms_by_kind'].get('create', 0)} / "
                f"{result['p95_ms_by_kind'].get('page', 0)} / "
                f"{result['p95_ms_by_kind'].get('api', 0)} ms | {result['lost']} | "
                f"{result['duplicated']} | {result['stored_without_an_answer']} | "
                f"{result['new_report_notices_twice']} | {result['reports_never_told']} |\n\n"
                + "".join(f"- {line}\n" for line in fault_log)
                + f"- statuses: {json.dumps(result['statuses'], ensure_ascii=False)}\n"
                + f"- kept copies (X-Ruam-Cache): {json.dumps(result['kept_copies'])}\n"
                + "- CPU seconds in the timed part: "
                + ", ".join(f"{part} {used}" for part, used in result["cpu_seconds"].items())
                + f" (of {(os.cpu_count() or 1) * result['seconds']:.0f} the cores had); "
                f"gunicorn {result['gunicorn_cpu_ms_per_request']} ms a request\n"
            )
    sys.exit(1 if lost or duplicated or unacknowledged or twice or untold else 0)


if __name__ == "__main__":
    main()
