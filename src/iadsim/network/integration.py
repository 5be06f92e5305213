"""Interface compatibility: can a command post use a sensor's output?

A sensor's tracks are usable by a command post where their systems are integrated: same
interface family (catalog `interface`), a pair in the catalog's integration matrix, or a
scenario override (`network.integrations`). A component with no interface family is
generic and integrates with anything. A sensor that is not integrated still sends; its
tracks reach the post, which cannot use them: NOT_INTEGRATED at the `reported` gate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def integrated(
    sensor_interface: str | None,
    command_interface: str | None,
    matrix: Iterable[tuple[str, str]],
) -> bool:
    """Whether a command post of one interface family can use a sensor of another."""
    if sensor_interface is None or command_interface is None:
        return True
    if sensor_interface == command_interface:
        return True
    return (sensor_interface, command_interface) in set(matrix)


def not_integrated_pairs(
    sensors: Mapping[str, str | None],
    command_posts: Mapping[str, str | None],
    matrix: Iterable[tuple[str, str]],
    overrides: Mapping[tuple[str, str], bool],
) -> set[tuple[str, str]]:
    """(sensor id, command post id) pairs whose output is not usable, after overrides."""
    pairs = set(matrix)
    out = set()
    for s, si in sensors.items():
        for c, ci in command_posts.items():
            ok = overrides.get((s, c))
            if ok is None:
                ok = integrated(si, ci, pairs)
            if not ok:
                out.add((s, c))
    return out
