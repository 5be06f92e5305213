"""`iadsim serve [DIR]`: the local web app (map playback, layers, ledgers) over DIR."""

from __future__ import annotations

import argparse


def register(sub) -> None:
    """Add the `serve` sub-command."""
    s = sub.add_parser(
        "serve",
        help="serve a local, read-only web app over a directory of outputs",
        description="Serve every iadsim output directory under DIR (default: the current "
        "directory) at http://HOST:PORT/. Read-only; binds 127.0.0.1 unless told otherwise. "
        "Needs the web extra: pip install 'iadsim[web]'.",
    )
    s.add_argument("dir", nargs="?", default=".", help="root directory (default .)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    s.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from iadsim.errors import IadsimError

    try:
        import uvicorn

        from iadsim.web.app import create_app
    except ImportError as exc:
        raise IadsimError(
            f"iadsim serve needs the web extra ({exc.name} is missing): pip install 'iadsim[web]'"
        ) from None
    if not 0 < args.port < 65536:
        raise IadsimError(f"--port must be 1-65535, got {args.port}")
    app = create_app(args.dir)
    print(f"serving {args.dir} at http://{args.host}:{args.port}/ (Ctrl-C to stop)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
