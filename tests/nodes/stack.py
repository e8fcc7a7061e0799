"""Real processes for the fault and two-node tests: a throwaway PostgreSQL cluster (initdb on a
free port in a temp dir), a Redis server, gunicorn nodes and HAProxy, all on loopback. Nothing
here touches the machine's shared PostgreSQL or Redis; every process is stopped by its own id."""

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_BIN = (
    Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    if glob.glob("/usr/lib/postgresql/*/bin")
    else None
)


# For Stack.shell: the e-mail sweep as it runs once every send lease has expired; prints how many
# rows it handed over again.
SWEEP_AFTER_LEASE = """
import json
from datetime import timedelta
from django.utils import timezone
from registration.emails import email_resend_queued
print(json.dumps(email_resend_queued(now=timezone.now() + timedelta(minutes=11))))
"""


def tools_missing() -> str | None:
    for tool in ("redis-server", "haproxy"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            return f"{tool} is not installed"
    if PG_BIN is None:
        return "PostgreSQL server binaries are not installed"
    if not (BIN / "gunicorn").exists():
        return "gunicorn is not installed"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {port}")


def _as_postgres(command):
    """PostgreSQL refuses to run as root: run its tools as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Postgres:
    def __init__(self):
        self.port = free_port()
        # Its own directory straight under /tmp: the postgres user cannot enter pytest's.
        self.directory = Path(tempfile.mkdtemp(prefix="samla-pg-"))
        self.data = self.directory / "pgdata"
        self.log = self.directory / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
            ),
            check=True,
            capture_output=True,
        )
        self.start()

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/samla"

    def _ctl(self, *args):
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-w",
                    "-t",
                    "30",
                    *args,
                ]
            ),
            check=True,
            capture_output=True,
        )

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} "
            "-c fsync=off -c max_connections=100"
        )
        self._ctl("-o", options, "start")

    def stop(self, mode="fast"):
        self._ctl("-m", mode, "stop")

    def url_of(self, database):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def tool(self, name, *args):
        """pg_dump, pg_restore, createdb ... against this cluster."""
        return subprocess.run(
            [str(PG_BIN / name), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args],
            check=True,
            capture_output=True,
        )

    def psql(self, sql, database="samla"):
        result = subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-At",
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()


class Stack:
    """One PostgreSQL, one Redis, a shared media directory and any number of gunicorn nodes."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.processes = []
        self.postgres = Postgres()
        self.postgres.psql("CREATE DATABASE samla", database="postgres")
        self.redis_port = free_port()
        self.redis_start()
        self.media = directory / "media"
        self.media.mkdir()
        self.manage("migrate", "--noinput")
        self.nodes = []

    def redis_start(self):
        self.redis = self._spawn(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            "redis",
        )
        wait_for_port(self.redis_port)

    def redis_stop(self):
        os.killpg(self.redis.pid, signal.SIGKILL)
        self.redis.wait(10)

    def worker(self, concurrency=2, **env):
        """A Celery worker; returns its process (its pool processes are its children)."""
        process = self._spawn(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-c",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            f"worker-{sum(1 for p, _log in self.processes if 'celery' in str(p.args))}",
            env=self.env(**env),
        )
        return process

    def env(self, **extra):
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "S3_", "PYTEST", "CELERY"))
        }
        environment.update(
            DEBUG="false",
            SECRET_KEY="nodes-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            SECURE_HSTS_SECONDS="0",
            DATABASE_URL=self.postgres.url,
            CONN_MAX_AGE="60",
            CACHE_URL=f"redis://127.0.0.1:{self.redis_port}/1",
            MEDIA_ROOT=str(self.media),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            SITE_URL="http://127.0.0.1",
            DJANGO_SETTINGS_MODULE="config.settings_test",
        )
        environment.update(extra)
        return environment

    def manage(self, *args, input_text=None, **env):
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            input=input_text,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(result.stderr[-3000:])
        return result.stdout

    def shell(self, code: str, **env):
        """Run Python in Django against the stack's database; returns what it prints as JSON."""
        return json.loads(self.manage("shell", "-c", code, **env).strip().splitlines()[-1])

    def _spawn(self, command, name, env=None):
        log = open(self.directory / f"{name}.log", "wb")  # noqa: SIM115 — closed with the process
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((process, log))
        return process

    def node(self, workers=2, **env):
        port = free_port()
        process = self._spawn(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "2",
                "--timeout",
                "30",
            ],
            f"node-{len(self.nodes)}",
            env=self.env(**env),
        )
        wait_for_port(port)
        self.nodes.append((port, process))
        return port

    def balancer(self, ports):
        port = free_port()
        servers = "\n".join(
            f"    server node{i} 127.0.0.1:{p} check inter 500ms" for i, p in enumerate(ports)
        )
        config = self.directory / "haproxy.cfg"
        config.write_text(
            f"""global
    maxconn 512
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend samla
    bind 127.0.0.1:{port}
    default_backend nodes
backend nodes
    balance roundrobin
    http-response set-header X-Samla-Node %[srv_name]
{servers}
"""
        )
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self._spawn([haproxy, "-f", str(config), "-db"], "haproxy")
        wait_for_port(port)
        return port

    def close(self):
        for process, log in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
            log.close()
        with contextlib.suppress(subprocess.CalledProcessError):
            self.postgres.stop("immediate")
        shutil.rmtree(self.postgres.directory, ignore_errors=True)


def _lower(headers):
    return {name.lower(): value for name, value in headers.items()}


def request(port, path, *, method="GET", body=None, headers=None, timeout=30):
    """(status, headers with lower-case names, bytes); a refused or dropped connection is 0."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(  # noqa: S310 — loopback only
        f"http://127.0.0.1:{port}{path}", data=data, method=method, headers=headers or {}
    )
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            return response.status, _lower(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, {}, b""
