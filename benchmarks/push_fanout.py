"""Push fan-out: 10,000 nudges for 10,000 devices, through the task queue, to a push service.

Why it exists: issue 9 asks that the default setup (the SQLite queue beside the SQLite
database, one ``flask queue work`` consumer) delivers at least 1,000 nudges a second on a
2-core machine. The script

1. builds a fresh database with N people, each with one device subscribed at a loopback push
   service (a separate process, so that its work does not share the consumer's interpreter;
   it answers 201 over keep-alive HTTP/1.1 and decrypts every 50th message with the device's
   key to prove the bodies are real);
2. queues one nudge per person in one transaction through ``app.nudges.outbox`` (the commit
   hands them to the queue in batches) and times it;
3. starts the real consumer (``flask queue work``), times from its start until every nudge is
   marked sent, and reads its peak memory (VmHWM) from /proc;
4. delivers another 1,000 in this process, on one thread, with the encryption step timed, to
   print the share of the time spent encrypting.

It is not a test and fails nothing: read the numbers.

Run: ``.venv/bin/python benchmarks/push_fanout.py`` (``--nudges N``, ``--workers N``,
``--database postgresql+psycopg://…/waypoint_test_bench`` for PostgreSQL: its name must contain
"test", the script drops and rebuilds its tables).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import time as time_of_day
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import http_ece  # noqa: E402 (the repository root goes on the path first)
import pywebpush  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app, queue  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import NotificationSettings, Nudge, NudgeStatus, PushSubscription, User  # noqa: E402
from app.nudges import outbox, tasks  # noqa: E402
from app.push.vapid import generate_keys  # noqa: E402
from game.nudges import NudgeKind  # noqa: E402

CHECK_EVERY = 50
MIDNIGHT = time_of_day(0, 0)
CONTENT_LENGTH = re.compile(r"(?im)^content-length:\s*(\d+)")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# -- the push service (its own process) --------------------------------------------------------


def serve_push(keys_file: str, port_file: str) -> None:
    """Answer 201 to every POST /push/<n>; decrypt every CHECK_EVERY-th; GET /count reports.

    A bare asyncio protocol rather than http.server: a real push service runs elsewhere, so
    its cost here should take as little of the machine's two cores as it can."""
    keys = json.loads(Path(keys_file).read_text())
    state = {"count": 0, "checked": 0, "bad": 0}

    def check(path: str, body: bytes) -> None:
        private, auth = keys[int(path.rsplit("/", 1)[1])]
        key = serialization.load_der_private_key(_unb64(private), None)
        try:
            payload = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=_unb64(auth)))
            state["checked" if payload.get("title") else "bad"] += 1
        except Exception:  # noqa: BLE001 (counted as bad, reported at the end)
            state["bad"] += 1

    class PushService(asyncio.Protocol):
        def connection_made(self, transport) -> None:
            self.transport, self.buffer = transport, b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
                head = self.buffer[:end].decode("latin-1")
                found = CONTENT_LENGTH.search(head)
                length = int(found.group(1)) if found else 0
                if len(self.buffer) < end + 4 + length:
                    return
                body = self.buffer[end + 4 : end + 4 + length]
                self.buffer = self.buffer[end + 4 + length :]
                method, path = head.split(" ", 2)[:2]
                if method == "GET":
                    answer = json.dumps(state).encode()
                    self.transport.write(
                        b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer)
                    )
                    continue
                state["count"] += 1
                if state["count"] % CHECK_EVERY == 0:
                    check(path, body)
                self.transport.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")

    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(PushService, "127.0.0.1", 0)
        Path(port_file).write_text(str(server.sockets[0].getsockname()[1]))
        await server.serve_forever()

    asyncio.run(run())


# -- the benchmark ------------------------------------------------------------------------------


def _devices(count: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Browser-side keys (kept by the push service) and what the server stores."""
    private, public = [], []
    for _ in range(count):
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        point = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        private.append((_b64(der), _b64(auth)))
        public.append((_b64(point), _b64(auth)))
    return private, public


def _people(count: int, public: list[tuple[str, str]], origin: str, offset: int) -> list[int]:
    ids = db.session.scalars(
        sa.insert(User).returning(User.id),
        [
            {
                "name": f"Student {offset + n}",
                "email": f"student{offset + n}@school.example",
                "password_hash": "-",
                "time_zone": "UTC",
            }
            for n in range(count)
        ],
    ).all()
    db.session.execute(
        sa.insert(PushSubscription),
        [
            {
                "user_id": user_id,
                "endpoint": f"{origin}/push/{offset + n}",
                "p256dh": public[offset + n][0],
                "auth": public[offset + n][1],
                "device": "Chrome on Android",
            }
            for n, user_id in enumerate(ids)
        ],
    )
    # No quiet hours, so that the run measures sending whatever the time of day.
    db.session.execute(
        sa.insert(NotificationSettings),
        [{"user_id": user_id, "quiet_start": MIDNIGHT, "quiet_end": MIDNIGHT} for user_id in ids],
    )
    db.session.commit()
    return ids


def _queue_nudges(user_ids: list[int], tag: str) -> float:
    started = time.perf_counter()
    for user_id in user_ids:
        outbox.queue_nudge(
            user_id,
            NudgeKind.MILESTONE_CONFIRMED,
            f"{tag}:{user_id}",
            title="Milestone confirmed",
            body="Maya confirmed your milestone. Well done!",
            url="/me/progress",
        )
    db.session.commit()
    return time.perf_counter() - started


def _sent() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Nudge).where(Nudge.status == NudgeStatus.SENT)
    )


def _peak_memory_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its worker processes, added up."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return total + sum(_peak_memory_mb(int(child)) for child in children)


def _consume(
    env: dict, workers: int, worker_type: str | None, expected: int, timeout: float
) -> tuple[float, float, float]:
    """Run the consumer until ``expected`` nudges are sent: the seconds from its first claim to
    its last send (its start-up left out), the seconds from launch, and its peak memory."""
    consumer = subprocess.Popen(  # noqa: S603 (a fixed command)
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "wsgi",
            "queue",
            "work",
            "--workers",
            str(workers),
            *(["--worker-type", worker_type] if worker_type else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    started = time.perf_counter()
    try:
        while _sent() < expected:
            db.session.remove()
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"only {_sent()} of {expected} sent after {timeout} s")
            time.sleep(0.5)  # polling more often slows the consumer down (readers hold the WAL)
        wall = time.perf_counter() - started
        first, last = db.session.execute(
            sa.select(sa.func.min(Nudge.claimed_at), sa.func.max(Nudge.sent_at))
        ).one()
        return (last - first).total_seconds(), wall, _peak_memory_mb(consumer.pid)
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)


def _encryption_share(user_ids: list[int]) -> tuple[float, float]:
    """Deliver in this process, one thread, timing pywebpush's encryption step."""
    spent = [0.0]
    encode = pywebpush.WebPusher.encode

    def timed_encode(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return encode(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    pywebpush.WebPusher.encode = timed_encode
    try:
        queue.huey.flush()
        _queue_nudges(user_ids, "share")
        queue.huey.flush()  # delivered below, in this process
        ids = db.session.scalars(
            sa.select(Nudge.id).where(Nudge.status == NudgeStatus.PENDING).order_by(Nudge.id)
        ).all()
        started = time.perf_counter()
        for start in range(0, len(ids), outbox.BATCH):
            tasks.deliver_nudges.call_local(ids[start : start + outbox.BATCH])
        total = time.perf_counter() - started
    finally:
        pywebpush.WebPusher.encode = encode
    return len(ids) / total, spent[0] / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nudges", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None, help="consumer workers")
    parser.add_argument("--worker-type", choices=["process", "thread"], help="default: the app's")
    parser.add_argument("--database", help="a PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--serve-push", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_push:
        serve_push(*args.serve_push)
        return

    folder = Path(tempfile.mkdtemp(prefix="waypoint-fanout-"))
    url = args.database or f"sqlite:///{folder / 'waypoint.sqlite3'}"
    keys = generate_keys()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "VAPID_PRIVATE_KEY": keys.private,
        "VAPID_SUBJECT": "mailto:benchmark@school.example",
    }
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "VAPID_PRIVATE_KEY")})
    app = create_app({"VAPID_SUBJECT": env["VAPID_SUBJECT"]})
    workers = args.workers or app.config["QUEUE_WORKERS"]
    extra = 1_000
    print(f"making {args.nudges + extra:,} devices' keys …", flush=True)
    private, public = _devices(args.nudges + extra)
    keys_file, port_file = folder / "keys.json", folder / "port"
    keys_file.write_text(json.dumps(private))
    service = subprocess.Popen(  # noqa: S603 (this script, with fixed arguments)
        [sys.executable, __file__, "--serve-push", str(keys_file), str(port_file)]
    )
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        origin = f"http://127.0.0.1:{port_file.read_text()}"
        with app.app_context():
            if args.database:
                db.drop_all()
            upgrade()
            queue.huey.flush()
            people = _people(args.nudges, public, origin, 0)
            others = _people(extra, public, origin, args.nudges)
            queued = _queue_nudges(people, "fanout")
            kind = args.worker_type or app.config["QUEUE_WORKER_TYPE"]
            print(f"storage: {type(queue.huey.storage).__name__}, consumer: {workers} {kind}es")
            print(
                f"queued {args.nudges:,} nudges in one transaction: {queued:.2f} s, "
                f"{queue.huey.pending_count()} delivery tasks"
            )
            db.session.remove()
            drain, wall, peak = _consume(env, workers, args.worker_type, args.nudges, timeout=600)
            print(
                f"drained by the consumer: {drain:.2f} s from its first claim to its last send "
                f"= {args.nudges / drain:,.0f} nudges/s ({wall:.1f} s with its start-up); "
                f"consumer peak memory {peak:.0f} MB"
            )
            rate, share = _encryption_share(others)
            print(
                f"in-process, one thread, {extra:,} nudges: {rate:,.0f} nudges/s, "
                f"{share:.0%} of the time encrypting"
            )
        with urllib.request.urlopen(f"{origin}/count") as answer:  # noqa: S310 (loopback)
            state = json.loads(answer.read())
        print(
            f"push service received {state['count']:,}; decrypted {state['checked']} "
            f"samples, {state['bad']} failed"
        )
    finally:
        service.terminate()
        service.wait(timeout=10)


if __name__ == "__main__":
    main()
