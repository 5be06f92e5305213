"""`iadsim play DIR --dis HOST:PORT [--speed X]`: stream a run's DIS PDUs over UDP, paced
by their scenario times (docs/interop.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from iadsim.cli.export import add_dis_ids


def _endpoint(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (e.g. 127.0.0.1:3000), got {text!r}")
    return host, int(port)


def _speed(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not v >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return v


def register(sub) -> None:
    """Add the `play` sub-command."""
    p = sub.add_parser(
        "play",
        help="stream a run to DIS tools over UDP (Entity State, Fire, Detonation, Emission)",
        description="Send the run's DIS 7 PDUs (the same as `iadsim export dis`) as UDP "
        "datagrams, each at its scenario time divided by --speed.",
    )
    p.add_argument("dir", help="a directory written by `iadsim run`")
    p.add_argument(
        "--dis",
        type=_endpoint,
        default=("127.0.0.1", 3000),
        metavar="HOST:PORT",
        help="where to send (default 127.0.0.1:3000, loopback)",
    )
    p.add_argument(
        "--speed", type=_speed, default=1.0, help="times real time (default 1; 0: no pauses)"
    )
    p.add_argument(
        "--until", type=_speed, default=None, help="stop after this scenario time (seconds)"
    )
    p.add_argument("--scenario", help="scenario YAML when DIR has no scene.json")
    add_dis_ids(p)
    p.set_defaults(func=cmd_play)


def cmd_play(args: argparse.Namespace) -> int:
    import socket
    import time

    from iadsim.cli.export import dis_config, run_dir_with_scene
    from iadsim.interop.dis_run import run_pdus

    d = run_dir_with_scene(Path(args.dir), args.scenario)
    pdus = run_pdus(d.scene, d.events, d.summary, dis_config(args))
    if args.until is not None:
        pdus = [(t, pdu) for t, pdu in pdus if t <= args.until]
    host, port = args.dis
    print(f"sending {len(pdus)} DIS PDUs to {host}:{port} at {args.speed:g}x")
    t_wall = time.monotonic()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for t, pdu in pdus:
            if args.speed > 0:
                wait = t_wall + t / args.speed - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            sock.sendto(pdu, (host, port))
    print("done")
    return 0
