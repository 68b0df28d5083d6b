"""The production recipe, `arp serve`: Caddy (a reverse proxy) in front of N replicas of the
app on this machine, each the app `arp app` serves (serve.py) on its own loopback port, all
reading the same public database and sharing one workshop store. Caddy keeps each browser
on one replica (a cookie), compresses, and terminates TLS when given a certificate; its
configuration is made from deploy/Caddyfile.template. With ARP_UPSTREAMS it is the proxy
alone, in front of replicas on other machines. Ctrl-C or SIGTERM stops every child."""

from __future__ import annotations

import collections
import functools
import hashlib
import hmac
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template
from types import FrameType

from arp import settings, workshop

TEMPLATE = settings.APP_ROOT / "deploy" / "Caddyfile.template"
STICKY_COOKIE = "arp_replica"
READY_TIMEOUT_S = 120.0  # a replica's first start opens the databases and imports pandas
STOP_TIMEOUT_S = 15.0  # then SIGKILL
LAST_LINES = 30  # of a child's output, shown when it stops on its own
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_.-]{8,}")  # one Caddyfile token, not guessable


class ServeError(RuntimeError):
    """A setting that cannot work; the message says what to change."""


def parse_listen(value: str) -> tuple[str, int]:
    """`:8080`, `8080`, `127.0.0.1:8080` or `[::1]:8080` as (host, port); '' is every
    interface."""
    host, _, port = value.strip().rpartition(":")
    host = host.strip("[]")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ServeError(f"ARP_LISTEN={value!r} is not [host]:port (say :8080 or 0.0.0.0:443)")
    return host, int(port)


def sticky_cookie(secret: str, upstream: str) -> str:
    """The cookie value with which Caddy's `lb_policy cookie` sends a browser to `upstream`
    (its dial address, host:port): hex HMAC-SHA256 of the address, keyed by the secret."""
    return hmac.new(secret.encode(), upstream.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ProxyConfig:
    """What the Caddyfile says: where to listen, the replicas, the cookie's key, TLS files."""

    listen: str
    upstreams: tuple[str, ...]
    cookie_secret: str
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    def url(self) -> str:
        """The proxy's address as a browser on this machine reaches it."""
        host, port = parse_listen(self.listen)
        shown = host if host not in ("", "0.0.0.0", "::") else "localhost"
        return f"{'https' if self.tls else 'http'}://{shown}:{port}"

    def render(self) -> str:
        host, port = parse_listen(self.listen)
        filled = Template(TEMPLATE.read_text()).substitute(
            site=f"{'https' if self.tls else 'http'}://:{port}",
            bind=f"bind {host}" if host else "",
            tls=f'tls "{self.tls_cert}" "{self.tls_key}"' if self.tls else "",
            upstreams=" ".join(self.upstreams),
            cookie_name=STICKY_COOKIE,
            cookie_secret=self.cookie_secret,
        )
        # A setting left out (no bind address, no TLS) leaves no indented empty line behind.
        return "".join(line for line in filled.splitlines(True) if line.strip() or line == "\n")


def tls_from(cert: Path | None, key: Path | None) -> tuple[Path | None, Path | None]:
    """Both files or neither, and readable: a half-configured HTTPS is an error, not HTTP."""
    if (cert is None) != (key is None):
        raise ServeError("HTTPS needs both ARP_TLS_CERT and ARP_TLS_KEY (PEM files), or neither")
    for path in (cert, key):
        if path is not None and not path.is_file():
            raise ServeError(f"no such certificate or key file: {path}")
    # Caddy reads them from its own working directory: give it whole paths.
    return (cert.resolve() if cert else None, key.resolve() if key else None)


def check_store(store: Path | str, replicas: int) -> None:
    """Several replicas share their notes through PostgreSQL. SQLite would also take several
    processes on one disk, but they would queue on one file lock, and the next step (replicas
    on other machines, the file on a network disk) corrupts it: one rule, replicas mean
    PostgreSQL."""
    if replicas < 1:
        raise ServeError("--replicas must be 1 or more")
    if replicas > 1 and not workshop.is_url(store):
        raise ServeError(
            f"ARP_WORKSHOP_DB is the SQLite file {store}: that serves one replica only"
            f" (REPLICAS=1). {replicas} replicas share their workshop store through"
            " PostgreSQL: ARP_WORKSHOP_DB=postgresql://user:password@host:5432/database"
        )


def replica_command(app_dir: Path, port: int, streamlit_args: Sequence[str]) -> list[str]:
    """One replica: what `arp app` runs (serve.py, app.py behind gzip), on a loopback port."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_dir / "serve.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        *streamlit_args,
    ]


class Child:
    """A started process whose output lines go to stderr with its name in front (the last
    few kept for the message when it stops on its own)."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.last_lines: collections.deque[str] = collections.deque(maxlen=LAST_LINES)
        # Its own session: a terminal's Ctrl-C reaches only `arp serve`, which then stops
        # the proxy before the replicas, so no request is sent to a replica on its way out.
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
            errors="replace",
        )
        self._reader = threading.Thread(target=self._relay, daemon=True)
        self._reader.start()

    def _relay(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.last_lines.append(line.rstrip())
            print(f"[{self.name}] {line.rstrip()}", file=sys.stderr, flush=True)

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.running():
            self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)

    def died(self) -> str:
        tail = "\n".join(self.last_lines)
        return f"{self.name} stopped (exit code {self.process.returncode}); its last lines:\n{tail}"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host or "127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


class Supervisor:
    """Starts the children in order, watches them, and stops them all on a signal or when
    one of them stops on its own."""

    def __init__(self) -> None:
        self.children: list[Child] = []
        self.stopping = threading.Event()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        print(f"arp serve: {signal.Signals(signum).name}, stopping", file=sys.stderr)
        self.stopping.set()

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Child:
        child = Child(name, command, env)
        self.children.append(child)
        return child

    def wait_until(self, child: Child, ready: Callable[[], bool]) -> bool:
        """True once `ready()`; False on a signal; ServeError if the child stops first."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not self.stopping.is_set():
            if not child.running():
                raise ServeError(child.died())
            if ready():
                return True
            if time.monotonic() > deadline:
                raise ServeError(f"{child.name} did not answer within {READY_TIMEOUT_S:.0f} s")
            self.stopping.wait(0.3)
        return False

    def watch(self) -> int:
        """Until a signal (exit 0) or a child stopping on its own (exit 1)."""
        while not self.stopping.wait(0.5):
            for child in self.children:
                if not child.running():
                    print(f"arp serve: {child.died()}", file=sys.stderr)
                    return 1
        return 0

    def stop_all(self) -> None:
        for child in reversed(self.children):  # the proxy first, then the replicas
            child.stop()


def find_caddy() -> str:
    """The Caddy executable, before anything is started."""
    found = shutil.which(settings.caddy_binary())
    if found is None:
        raise ServeError(
            f"Caddy not found ({settings.caddy_binary()}): apt-get install caddy (Debian 12 or"
            " later), or set ARP_CADDY to its path"
        )
    return found


def serve(
    caddy: str,
    config: ProxyConfig,
    replica_ports: Sequence[int],
    app_dir: Path,
    streamlit_args: Sequence[str] = (),
) -> int:
    """Run the replicas (none when the upstreams are elsewhere) and the proxy until a signal."""
    supervisor = Supervisor()
    previous = {
        signum: signal.signal(signum, supervisor._on_signal)
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    state = Path(tempfile.mkdtemp(prefix="arp-serve-"))
    try:
        caddyfile = state / "Caddyfile"
        caddyfile.write_text(config.render())
        for number, port in enumerate(replica_ports, start=1):
            supervisor.start(
                f"replica {number}",
                replica_command(app_dir, port, streamlit_args),
                dict(os.environ),
            )
        for child, port in zip(supervisor.children, replica_ports, strict=True):
            health = f"http://127.0.0.1:{port}/_stcore/health"
            if not supervisor.wait_until(child, functools.partial(_answers, health)):
                return 0
        # Caddy keeps its own files (autosave.json, locks) in the state folder, not in $HOME.
        caddy_env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(state / "config"),
            "XDG_DATA_HOME": str(state / "data"),
        }
        proxy = supervisor.start(
            "proxy", [caddy, "run", "--config", str(caddyfile), "--adapter", "caddyfile"], caddy_env
        )
        host, port = parse_listen(config.listen)
        if not supervisor.wait_until(proxy, lambda: _accepts(host, port)):
            return 0
        where = ", ".join(f"127.0.0.1:{p}" for p in replica_ports) or ", ".join(config.upstreams)
        print(
            f"arp serve: {config.url()} -> {len(config.upstreams)} replica(s) ({where});"
            f" proxy configuration {caddyfile}; Ctrl-C stops them all",
            file=sys.stderr,
            flush=True,
        )
        return supervisor.watch()
    finally:
        supervisor.stop_all()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        shutil.rmtree(state, ignore_errors=True)


def plan(replicas: int, store: Path | str) -> tuple[ProxyConfig, list[int]]:
    """The proxy configuration and the local replicas' ports, from the settings: local
    replicas on ARP_REPLICA_PORT and after, or (ARP_UPSTREAMS) replicas elsewhere."""
    cert, key = tls_from(*settings.tls_files())
    remote = settings.upstreams()
    if remote:
        ports: list[int] = []
        upstreams = tuple(remote)
    else:
        check_store(store, replicas)
        first = settings.replica_first_port()
        ports = list(range(first, first + replicas))
        upstreams = tuple(f"127.0.0.1:{p}" for p in ports)
    secret = settings.sticky_cookie_secret() or secrets.token_hex(16)
    if not SECRET_PATTERN.fullmatch(secret):
        raise ServeError(
            "ARP_STICKY_SECRET takes letters, digits and - _ . only (make one with"
            " `openssl rand -hex 16`)"
        )
    config = ProxyConfig(
        listen=settings.proxy_listen(),
        upstreams=upstreams,
        cookie_secret=secret,
        tls_cert=cert,
        tls_key=key,
    )
    parse_listen(config.listen)  # a bad address stops here, before anything starts
    return config, ports


def open_store_once(store: Path | str) -> None:
    """Create or migrate the workshop store before the replicas start (they would take turns;
    this way a wrong URL or password is one clear message, not N tracebacks)."""
    try:
        workshop.engine(store)
    except Exception as error:  # the driver's own words say what is wrong
        raise ServeError(
            f"cannot open the workshop store {without_password(store)}: {error}"
        ) from error
    finally:
        workshop.dispose_all()


def without_password(store: Path | str) -> str:
    """A store's name for messages, without a password from its URL."""
    text = str(store)
    if "@" in text and "://" in text:
        scheme, rest = text.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return text
