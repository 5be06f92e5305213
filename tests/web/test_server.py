"""The web app: read-only, no path traversal, 4xx on bad parameters, and 20 clients at once
against a real uvicorn server."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import pytest

starlette = pytest.importorskip("starlette")
httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

with warnings.catch_warnings():  # starlette 1.x would rather have another HTTP client
    warnings.simplefilter("ignore", UserWarning)  # StarletteDeprecationWarning
    from starlette.testclient import TestClient  # noqa: E402

from iadsim.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def root(tutorial_run_dir, tutorial_mc_dir, tmp_path_factory):
    """A root with a run and a batch inside, and a secret file next to (outside) it."""
    base = tmp_path_factory.mktemp("serve")
    (base / "secret.txt").write_text("not for the web")
    root = base / "root"
    shutil.copytree(tutorial_run_dir, root / "runs" / "tutorial")
    shutil.copytree(tutorial_mc_dir, root / "mc")
    (root / "notes").mkdir()
    return root


@pytest.fixture(scope="module")
def client(root):
    return TestClient(create_app(root))


def test_index_pages_and_api(client):
    r = client.get("/")
    assert r.status_code == 200 and "runs/tutorial" in r.text and "mc" in r.text
    assert client.get("/api/runs").json() == [
        {"name": "mc", "kind": "mc"},
        {"name": "runs/tutorial", "kind": "run"},
    ]
    page = client.get("/runs/runs/tutorial")
    assert page.status_code == 200 and '<section id="map">' in page.text
    assert '<script src="/static/leaflet.js">' in page.text
    for name in ("leaflet.js", "leaflet.css", "milsymbol.js", "app.js"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/api/runs/runs/tutorial/scene").json()["scenario"] == "tutorial"
    launches = client.get("/api/runs/runs/tutorial/events", params={"kind": "launch"}).json()
    assert launches["rows"] and all(e["kind"] == "launch" for e in launches["rows"])
    rows = client.get("/api/runs/runs/tutorial/ledger", params={"unit": "SAM"}).json()["rows"]
    assert {r["aircraft"] for r in rows} == {"FIGHTER-1", "HELO-1"}
    shares = client.get("/api/runs/mc/ledger", params={"aircraft": "HELO-1"}).json()["rows"]
    assert abs(sum(r["share"] for r in shares) - 1.0) < 1e-9


@pytest.mark.parametrize(
    "url",
    [
        "/runs/../secret.txt",
        "/runs/..%2Fsecret.txt",
        "/runs/%2e%2e/secret.txt",
        "/api/runs/..%2F..%2Fetc/scene",
        "/api/runs/notes/scene",
        "/static/..%2F..%2Fpyproject.toml",
        "/static/vendor%2Fleaflet.js",
        "/static/land-10m.json",
        "/runs//etc/passwd",
    ],
)
def test_no_path_outside_the_listing(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "not for the web" not in r.text and "root:" not in r.text


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/runs/runs/tutorial/events", {"since": "soon"}),
        ("/api/runs/runs/tutorial/events", {"since": "nan"}),
        ("/api/runs/runs/tutorial/events", {"since": "100", "until": "50"}),
        ("/api/runs/runs/tutorial/events", {"colour": "red"}),
        ("/api/runs/runs/tutorial/ledger", {}),
        ("/api/runs/runs/tutorial/ledger", {"unit": "SAM", "aircraft": "HELO-1"}),
        ("/", {"x": "1"}),
    ],
)
def test_bad_parameters_get_400(client, url, params):
    assert client.get(url, params=params).status_code == 400


def test_read_only(client):
    assert client.get("/api/runs/runs/tutorial/ledger", params={"unit": "NOPE"}).status_code == 404
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/api/runs").status_code == 405


def test_twenty_concurrent_clients(root):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        # keep-alive longer than any pause a loaded 2-core CI machine can cause: uvicorn's 5 s
        # default closes a kept-alive connection the client is about to reuse (reset by peer)
        uvicorn.Config(
            create_app(root),
            host="127.0.0.1",
            port=port,
            log_level="error",
            timeout_keep_alive=120,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.05)
        assert server.started
        base = f"http://127.0.0.1:{port}"
        paths = [
            "/runs/runs/tutorial",
            "/api/runs/runs/tutorial/scene",
            "/runs/mc",
            "/api/runs/mc/ledger?unit=SAM",
            "/static/milsymbol.js",
        ]

        def client_session(k: int) -> list[int]:
            with httpx.Client(base_url=base, timeout=60) as c:
                return [c.get(paths[(k + i) % len(paths)]).status_code for i in range(5)]

        with ThreadPoolExecutor(max_workers=20) as pool:
            codes = [c for codes in pool.map(client_session, range(20)) for c in codes]
        assert codes == [200] * 100
    finally:
        server.should_exit = True
        thread.join(timeout=10)
