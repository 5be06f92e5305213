"""The web app: a Starlette application over one root directory of iadsim outputs.

Read-only (GET only), bound to 127.0.0.1 by default (see cli/serve.py). Pages and data are
reachable only for output directories discovered under the root, looked up by name in that
listing, never by joining a user's path onto the file system; static files come from a fixed
list. Bad parameters get 400, unknown runs 404.

Routes
------
GET /                                   index of the output directories under the root
GET /runs/{name}                        the map playback and report page of one directory
GET /api/runs                           the directories, as JSON
GET /api/runs/{name}/scene              its scene.json
GET /api/runs/{name}/events?kind=&since=&until=    its events (a run), filtered
GET /api/runs/{name}/ledger?unit=|aircraft=         kill chains of one unit or aircraft
GET /static/{file}                      the vendored front-end files and app.js
"""

from __future__ import annotations

import math
import threading
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from iadsim.errors import IadsimError
from iadsim.report.rundir import OutputDir, kind_of, load_output_dir

STATIC = {
    "leaflet.js": ("vendor", "text/javascript"),
    "leaflet.css": ("vendor", "text/css"),
    "milsymbol.js": ("vendor", "text/javascript"),
    "app.js": ("assets", "text/javascript"),
}
MAX_DEPTH = 3


def discover(root: Path) -> dict[str, Path]:
    """Output directories under `root` (itself included), by their path relative to it."""
    found: dict[str, Path] = {}

    def walk(d: Path, depth: int) -> None:
        try:
            kind_of(d)
            found[d.relative_to(root).as_posix() or "."] = d
        except IadsimError:
            pass
        if depth < MAX_DEPTH:
            for child in sorted(p for p in d.iterdir() if p.is_dir() and not p.is_symlink()):
                if not child.name.startswith("."):
                    walk(child, depth + 1)

    walk(root, 0)
    return found


class Site:
    """The app's state: the root, and output directories loaded once (by modification time)."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, OutputDir]] = {}

    def runs(self) -> dict[str, Path]:
        return discover(self.root)

    def get(self, name: str) -> OutputDir:
        path = self.runs().get(name)
        if path is None:
            raise HTTPException(404, f"no output directory named {name!r}")
        stamp = max(p.stat().st_mtime for p in path.iterdir() if p.is_file())
        with self._lock:
            hit = self._cache.get(name)
            if hit is None or hit[0] != stamp:
                try:
                    hit = (stamp, load_output_dir(path))
                except IadsimError as exc:
                    raise HTTPException(422, str(exc)) from None
                self._cache[name] = hit
            return hit[1]


def _float(request: Request, key: str) -> float | None:
    raw = request.query_params.get(key)
    if raw is None:
        return None
    try:
        v = float(raw)
    except ValueError:
        raise HTTPException(400, f"{key} must be a number of seconds, got {raw!r}") from None
    if not math.isfinite(v):
        raise HTTPException(400, f"{key} must be finite")
    return v


def _only(request: Request, allowed: set[str]) -> None:
    extra = set(request.query_params) - allowed
    if extra:
        raise HTTPException(400, f"unknown parameter(s): {', '.join(sorted(extra))}")


def create_app(root: str | Path) -> Starlette:
    """The application serving `root` (a directory of iadsim outputs, or one of them)."""
    root = Path(root)
    if not root.is_dir():
        raise IadsimError(f"{root}: not a directory")
    site = Site(root)

    def index(request: Request) -> HTMLResponse:
        _only(request, set())
        items = "".join(
            f'<li><a href="/runs/{quote(name)}">{escape(name)}</a></li>' for name in site.runs()
        )
        return HTMLResponse(
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>iadsim</title>"
            f"</head><body><h1>iadsim outputs in {escape(str(site.root))}</h1>"
            f"<ul>{items or '<li>none found</li>'}</ul></body></html>"
        )

    def page(request: Request) -> HTMLResponse:
        _only(request, set())
        from iadsim.report.html import build_html

        name = request.path_params["name"]
        d = site.get(name)
        return HTMLResponse(build_html(d, static_url="/static", api=f"/api/runs/{quote(name)}"))

    def api_runs(request: Request) -> JSONResponse:
        _only(request, set())
        return JSONResponse([{"name": n, "kind": kind_of(p)} for n, p in site.runs().items()])

    def api_scene(request: Request) -> JSONResponse:
        _only(request, set())
        d = site.get(request.path_params["name"])
        if d.scene is None:
            raise HTTPException(404, "this directory has no scene.json")
        return JSONResponse(d.scene)

    def api_events(request: Request) -> JSONResponse:
        _only(request, {"kind", "since", "until"})
        d = site.get(request.path_params["name"])
        kind = request.query_params.get("kind")
        since, until = _float(request, "since"), _float(request, "until")
        if since is not None and until is not None and until < since:
            raise HTTPException(400, "until must not be before since")
        rows = [
            e
            for e in d.events
            if (kind is None or e["kind"] == kind)
            and (since is None or e["time_s"] >= since)
            and (until is None or e["time_s"] <= until)
        ]
        return JSONResponse({"rows": rows})

    def api_ledger(request: Request) -> JSONResponse:
        _only(request, {"unit", "aircraft"})
        d = site.get(request.path_params["name"])
        keys = [k for k in ("unit", "aircraft") if k in request.query_params]
        if len(keys) != 1:
            raise HTTPException(400, "give exactly one of unit= or aircraft=")
        key, value = keys[0], request.query_params[keys[0]]
        known = {r[key] for r in d.ledger}
        if value not in known:
            raise HTTPException(404, f"no {key} {value!r} in this directory's ledger")
        return JSONResponse({"rows": [r for r in d.ledger if r[key] == value]})

    def static(request: Request) -> Response:
        name = request.path_params["file"]
        if name not in STATIC:
            raise HTTPException(404, "not found")
        folder, media = STATIC[name]
        if name.endswith(".css"):
            from iadsim.report.html import vendor_css

            body = vendor_css(name).encode("utf-8")
        else:
            body = (resources.files("iadsim.report") / folder / name).read_bytes()
        return Response(body, media_type=media, headers={"Cache-Control": "max-age=3600"})

    routes = [
        Route("/", index),
        Route("/runs/{name:path}", page),
        Route("/api/runs", api_runs),
        Route("/api/runs/{name:path}/scene", api_scene),
        Route("/api/runs/{name:path}/events", api_events),
        Route("/api/runs/{name:path}/ledger", api_ledger),
        Route("/static/{file}", static),
    ]
    return Starlette(routes=routes)
