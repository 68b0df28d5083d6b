"""The production recipe running: `arp serve --replicas 2` (Caddy over HTTPS with a
certificate made here, two app processes) on a real PostgreSQL workshop store, all on
loopback. A note saved in Chromium through one replica is seen, and approved, through the
other; the proxy compresses and keeps Streamlit's cache lifetimes; the same cookie reaches
the same replica, which is what Streamlit's uploads need; SIGTERM stops every process."""

from __future__ import annotations

import asyncio
import gzip
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from arp import facilitators, insights, production, workshop
from tests.conftest import REPO_ROOT, artifacts_dir
from tests.streamlit_client import Session

pytestmark = pytest.mark.browser
PASSWORD = "a long facilitator password"
SECRET = "test-sticky-cookie-key"


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _refused(port: int) -> bool:
    """Nothing listens there (a bind could still fail on connections in TIME_WAIT)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count < 65536 and all(_free(first + n) for n in range(count)):
            return first
    raise RuntimeError("no run of free ports")


@dataclass
class Cluster:
    url: str  # https://127.0.0.1:port, the proxy
    replicas: list[str]  # host:port of each replica, as the proxy dials it
    store: str
    process: subprocess.Popen
    log: Path
    tls: ssl.SSLContext  # trusts the test's own certificate

    def cookie_for(self, replica: str) -> str:
        return production.sticky_cookie(SECRET, replica)

    def get(self, url: str, headers: dict[str, str] | None = None):
        request = urllib.request.Request(url, headers=headers or {})
        return urllib.request.urlopen(request, timeout=30, context=self.tls)


def _certificate(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is missing (apt-get install openssl; CI installs it)")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def cluster(fixture_db, postgres_server, tmp_path_factory):
    if shutil.which("caddy") is None:
        pytest.skip("Caddy is missing (apt-get install caddy; CI installs it)")
    folder = tmp_path_factory.mktemp("cluster")
    cert, key = _certificate(folder)
    store = postgres_server()
    facilitators.add_account(store, "Replica Tester", PASSWORD, iterations=1000)
    listen, first = _free_ports(1), _free_ports(2)
    log = folder / "serve.log"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "ARP_DB": str(fixture_db),
        "ARP_WORKSHOP_DB": store,
        "ARP_LISTEN": f"127.0.0.1:{listen}",
        "ARP_REPLICA_PORT": str(first),
        "ARP_STICKY_SECRET": SECRET,
        "ARP_TLS_CERT": str(cert),
        "ARP_TLS_KEY": str(key),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "arp.cli", "serve", "--replicas", "2"],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 180
    while "Ctrl-C stops them all" not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            process.wait(timeout=60)
            pytest.fail(f"arp serve did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)
    found = Cluster(
        url=f"https://127.0.0.1:{listen}",
        replicas=[f"127.0.0.1:{first}", f"127.0.0.1:{first + 1}"],
        store=store,
        process=process,
        log=log,
        tls=ssl.create_default_context(cafile=str(cert)),
    )
    try:
        yield found
    finally:
        # SIGTERM, so that arp serve stops its children (a SIGKILL would leave them running).
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        workshop.dispose_all()


def directives(cache_control: str) -> set[str]:
    return {part.strip() for part in cache_control.split(",")}


def test_the_proxy_compresses_and_keeps_cache_lifetimes(cluster):
    index = cluster.get(cluster.url + "/").read().decode()
    script = index.split('src="./', 1)[1].split('"', 1)[0]  # Streamlit's hashed bundle
    assert script.startswith("static/js/")
    assert script.endswith(".js")
    with urllib.request.urlopen(f"http://{cluster.replicas[0]}/{script}", timeout=30) as direct:
        plain, lifetime = direct.read(), directives(direct.headers["Cache-Control"])
    assert "max-age=31536000" in lifetime
    with cluster.get(f"{cluster.url}/{script}", {"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert directives(response.headers["Cache-Control"]) == lifetime
        body = response.read()
    assert gzip.decompress(body) == plain
    assert len(body) < len(plain) / 3
    # A client asking only for zstd gets nothing from the replica's gzip: Caddy encodes it.
    with cluster.get(f"{cluster.url}/{script}", {"Accept-Encoding": "zstd"}) as response:
        assert response.headers["Content-Encoding"] == "zstd"
        assert directives(response.headers["Cache-Control"]) == lifetime
        assert len(response.read()) < len(plain) / 3


def _upload(base: str, session: Session, replica_cookie: str, tls: ssl.SSLContext) -> int:
    """PUT a file to the session's upload address, as st.file_uploader does: the status."""
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="notes.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\nplace,domain,kind,text\r\n--{boundary}--\r\n"
    ).encode()
    xsrf = session.cookies["_streamlit_xsrf"]
    request = urllib.request.Request(
        f"{base}/_stcore/upload_file/{session.session_id}/{uuid.uuid4().hex}",
        data=body,
        method="PUT",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": xsrf,
            "Cookie": f"_streamlit_xsrf={xsrf}; {production.STICKY_COOKIE}={replica_cookie}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30, context=tls) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_same_cookie_reaches_the_same_replica(cluster):
    with cluster.get(cluster.url + "/_stcore/health") as response:
        given = [c for c in response.headers.get_all("Set-Cookie") if c.startswith("arp_replica=")]
    assert len(given) == 1
    assert given[0].split(";")[0].split("=", 1)[1] in {
        cluster.cookie_for(r) for r in cluster.replicas
    }
    first, second = cluster.replicas
    # A pinned cookie is honoured, not replaced.
    pinned = {"Cookie": f"arp_replica={cluster.cookie_for(first)}"}
    for _ in range(5):
        with cluster.get(cluster.url + "/_stcore/health", pinned) as response:
            assert not any(
                c.startswith("arp_replica=") for c in response.headers.get_all("Set-Cookie") or []
            )

    async def uploads(replica: str, other: str) -> list[int]:
        """Statuses of uploads while a session opened through the proxy is live."""
        session = Session(
            cluster.url, cookies={"arp_replica": cluster.cookie_for(replica)}, tls=cluster.tls
        )
        await session.connect()
        await session.run("overview")
        try:
            tries = [
                (cluster.url, replica),
                (cluster.url, replica),
                (cluster.url, replica),
                (cluster.url, other),
                (f"http://{replica}", ""),
                (f"http://{other}", ""),
            ]
            return [
                await asyncio.to_thread(
                    _upload,
                    base,
                    session,
                    cluster.cookie_for(target) if target else "",
                    cluster.tls,
                )
                for base, target in tries
            ]
        finally:
            await session.close()

    # Streamlit keeps an upload in the memory of the replica holding the session: it takes
    # the file through the proxy with that replica's cookie, every time, and refuses it with
    # the other's cookie, as it does when asked directly.
    for replica, other in ((first, second), (second, first)):
        assert asyncio.run(uploads(replica, other)) == [204, 204, 204, 400, 204, 400]


def test_websocket_messages_stay_compressed_through_the_proxy(cluster):
    async def negotiated() -> str:
        session = Session(cluster.url, tls=cluster.tls)
        await session.connect()
        await session.close()
        return session.compression

    assert "permessage-deflate" in asyncio.run(negotiated())


@pytest.fixture
def pinned_pages(browser, cluster, request):
    """Two desktop browsers, the first pinned to replica 1 and the second to replica 2 by
    the cookie Caddy would have given them. A failure leaves screenshots and the log."""
    contexts, pages = [], []
    for replica in cluster.replicas:
        context = browser.new_context(
            ignore_https_errors=True, viewport={"width": 1280, "height": 900}
        )
        context.add_cookies(
            [{"name": "arp_replica", "value": cluster.cookie_for(replica), "url": cluster.url}]
        )
        contexts.append(context)
        pages.append(context.new_page())
    yield contexts, pages
    report = getattr(request.node, "rep_call", None)
    if report and report.failed:
        folder = artifacts_dir()
        for number, page in enumerate(pages, start=1):
            page.screenshot(path=str(folder / f"browser-failure-replica-{number}.png"))
        shutil.copyfile(cluster.log, folder / "browser-failure-replicas-serve.log")
    for context in contexts:
        context.close()


def test_a_note_saved_through_one_replica_is_seen_through_the_other(cluster, pinned_pages):
    (participant_context, facilitator_context), (participant, facilitator) = pinned_pages
    text = f"The library closes at four on weekdays ({uuid.uuid4().hex[:8]})"
    participant.goto(f"{cluster.url}/capture")
    search = participant.get_by_label("Find an area (name or postcode)")
    search.fill("B1 1AB")
    search.press("Enter")
    participant.get_by_role("button", name="Use this place").click()
    participant.get_by_text("Place: Solihull 001B").wait_for(timeout=30_000)
    note = participant.get_by_label("Your note", exact=True)
    note.fill(text)
    note.press("Tab")
    participant.get_by_text("I agree that this note").click()
    participant.get_by_role("button", name="Save my note").click()
    participant.get_by_text("Thank you. Your note is saved").wait_for(timeout=30_000)

    facilitator.goto(f"{cluster.url}/moderate")
    facilitator.get_by_label("Your name").fill("Replica Tester")
    facilitator.get_by_label("Password", exact=True).fill(PASSWORD)
    facilitator.get_by_role("button", name="Sign in").click()
    facilitator.get_by_text("1 note waits for moderation", exact=False).wait_for(timeout=30_000)
    facilitator.get_by_text(text).first.wait_for(timeout=30_000)
    facilitator.get_by_role("button", name="Approve", exact=True).click()
    facilitator.get_by_text("No notes wait for moderation.").wait_for(timeout=30_000)

    # Neither browser was moved: Caddy gave no new cookie, so each stayed on its replica.
    for context, replica in zip(
        (participant_context, facilitator_context), cluster.replicas, strict=True
    ):
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies["arp_replica"] == cluster.cookie_for(replica)
    approved = insights.listing(cluster.store, "approved")
    assert approved["text"].tolist() == [text]
    assert approved["area_code"].tolist() == ["E01000904"]


def test_sigterm_stops_the_proxy_and_every_replica(cluster):
    started = time.monotonic()
    cluster.process.send_signal(signal.SIGTERM)
    assert cluster.process.wait(timeout=60) == 0
    assert time.monotonic() - started < 30
    proxy_port = int(cluster.url.rsplit(":", 1)[1])
    for port in [proxy_port, *(int(r.rsplit(":", 1)[1]) for r in cluster.replicas)]:
        assert _refused(port), f"port {port} still answers after arp serve stopped"
    assert "arp serve: SIGTERM, stopping" in cluster.log.read_text()
