"""nginx on deploy/nginx.conf, for real: uploads served as inert files, never the exports beside
them, and every other request handed to the app with the client's address and scheme.

The committed file is run with only what ties it to the compose stack moved onto this machine:
its ports, the media folder (the `media` volume at /srv/media), the upstream (`web:8000`,
resolved by Docker's DNS) and nginx's scratch folders. A small HTTP server stands in for the web
processes and answers with what it was sent. Skipped where nginx is not installed (the Debian
package `nginx`): it is no service the suite requires, REQUIRE_SERVICES=1 or not.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.processes import answers, free_port, stop, wait_until

ROOT = Path(__file__).resolve().parent.parent
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
START_TIMEOUT = 10.0
PICTURE = b"\xff\xd8\xff\xe0 a JPEG, as far as nginx cares"
EXPORT = b"PK an export: no URL may serve it"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def on_this_machine(conf: str, *, scratch: Path, replacements: dict[str, str]) -> str:
    """The committed config with each `replacements` key (which must occur exactly once) swapped,
    and nginx's scratch folders moved under `scratch` (not the system's)."""
    for old, new in replacements.items():
        assert conf.count(old) == 1, f"deploy/nginx.conf no longer has exactly one {old!r}"
        conf = conf.replace(old, new)
    temp_paths = "".join(
        f"    {kind}_temp_path {scratch / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return conf.replace("http {\n", "http {\n" + temp_paths, 1)


@pytest.fixture(scope="module")
def nginx() -> str:
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx)")
    return binary


def test_the_committed_config_passes_nginx_own_check(nginx):
    with tempfile.TemporaryDirectory(prefix="bazaar-nginx-") as folder:
        scratch = Path(folder)
        conf = scratch / "nginx.conf"
        conf.write_text(on_this_machine(NGINX_CONF.read_text(), scratch=scratch, replacements={}))
        checked = subprocess.run(
            [nginx, "-t", "-e", "stderr", "-p", str(scratch), "-c", str(conf)],
            capture_output=True,
            text=True,
            timeout=10,
        )
    assert checked.returncode == 0, checked.stderr


class EchoHandler(BaseHTTPRequestHandler):
    """Answers every request with the path and headers it came with, as JSON."""

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = json.dumps({"path": self.path, "headers": dict(self.headers.items())}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = answer

    def log_message(self, format, *args):
        pass


@dataclass(frozen=True)
class Front:
    port: int
    media: Path
    exports: Path

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def proxied(self, path: str, headers: dict[str, str] | None = None) -> dict:
        status, _, body = self.request("GET", path, headers)
        assert status == 200, body
        return json.loads(body)


@pytest.fixture(scope="module")
def front(nginx) -> Iterator[Front]:
    """nginx on the committed config, in front of an echo server standing in for `web`; one for
    the module (no test changes what it serves)."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    serving = threading.Thread(
        target=upstream.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    serving.start()
    # nginx's workers run as an unprivileged user: the folder must be theirs to read.
    scratch = Path(tempfile.mkdtemp(prefix="bazaar-nginx-"))
    scratch.chmod(0o755)
    media, exports = scratch / "media", scratch / "exports"
    (media / "avatars" / "7").mkdir(parents=True)
    exports.mkdir()
    (media / "avatars" / "7" / "avatar.jpg").write_bytes(PICTURE)
    (media / "page.html").write_text("<script>alert(document.cookie)</script>")
    (media / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    (exports / "secret.zip").write_bytes(EXPORT)
    for path in scratch.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    port, alive = free_port(), free_port()
    conf = scratch / "nginx.conf"
    conf.write_text(
        on_this_machine(
            NGINX_CONF.read_text(),
            scratch=scratch,
            replacements={
                "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
                "listen 127.0.0.1:8081;": f"listen 127.0.0.1:{alive};",
                "alias /srv/media/;": f"alias {media}/;",
                "http://web:8000;": f"http://127.0.0.1:{upstream.server_address[1]};",
            },
        )
    )
    log = scratch / "nginx.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                nginx,
                "-e",
                "stderr",
                "-p",
                str(scratch),
                "-c",
                str(conf),
                "-g",
                f"daemon off; pid {scratch / 'nginx.pid'};",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(
            answers(f"http://127.0.0.1:{alive}/alive"),
            process,
            what="nginx",
            log=log,
            timeout=START_TIMEOUT,
        )
        yield Front(port=port, media=media, exports=exports)
    finally:
        stop(process, timeout=5)
        upstream.shutdown()
        upstream.server_close()
        shutil.rmtree(scratch, ignore_errors=True)


def test_an_uploaded_picture_is_served_from_the_media_folder(front):
    status, headers, body = front.request("GET", "/media/avatars/7/avatar.jpg")
    assert status == 200
    assert body == PICTURE
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("name", ["page.html", "drawing.svg"])
def test_an_upload_that_is_not_a_picture_is_bytes_to_download_never_a_page(front, name):
    status, headers, _ = front.request("GET", f"/media/{name}")
    assert status == 200
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"]


def test_a_missing_upload_is_a_404_and_no_folder_is_listed(front):
    assert front.request("GET", "/media/avatars/7/gone.jpg")[0] == 404
    assert front.request("GET", "/media/avatars/7/")[0] in (403, 404)
    assert front.request("GET", "/media/")[0] in (403, 404)


def test_uploads_can_only_be_read(front):
    status, _, _ = front.request("POST", "/media/avatars/7/avatar.jpg", body=b"x")
    assert status == 403
    assert (front.media / "avatars" / "7" / "avatar.jpg").read_bytes() == PICTURE


@pytest.mark.parametrize(
    "path",
    [
        "/media/../exports/secret.zip",
        "/media/%2e%2e/exports/secret.zip",
        "/media/..%2fexports/secret.zip",
        "/media//../exports/secret.zip",
        "/media../exports/secret.zip",
        "/exports/secret.zip",
    ],
)
def test_no_url_reaches_the_exports_beside_the_uploads(front, path):
    status, _, body = front.request("GET", path)
    assert EXPORT not in body
    # A path that climbs out of /media/ is no upload: nginx refuses it, or hands it to the app,
    # which serves no such page.
    assert status in (400, 403, 404) or "headers" in json.loads(body)


def test_every_other_request_goes_to_the_app_with_the_client_and_the_scheme(front):
    seen = front.proxied(
        "/market/?q=bike", {"Host": "bazaar.example", "X-Forwarded-For": "6.6.6.6"}
    )
    assert seen["path"] == "/market/?q=bike"
    assert seen["headers"]["Host"] == "bazaar.example"
    # nginx appends the address it saw; the app reads the header from the right.
    assert seen["headers"]["X-Forwarded-For"] == "6.6.6.6, 127.0.0.1"
    assert seen["headers"]["X-Forwarded-Proto"] == "http"


def test_static_files_are_the_apps_to_serve(front):
    assert front.proxied("/static/css/bazaar.css")["path"] == "/static/css/bazaar.css"


@pytest.mark.parametrize(
    ("sent", "passed_on"), [("https", "https"), ("http", "http"), ("javascript", "http")]
)
def test_the_tls_proxys_scheme_is_passed_on_only_when_it_is_one(front, sent, passed_on):
    seen = front.proxied("/", {"X-Forwarded-Proto": sent})
    assert seen["headers"]["X-Forwarded-Proto"] == passed_on


def test_a_listings_photos_fit_in_one_request(front):
    status, _, _ = front.request(
        "POST", "/market/sell/", {"Content-Type": "application/octet-stream"}, b"x" * 3_000_000
    )
    assert status == 200  # nginx's default would refuse anything over 1 MB with a 413
