"""Attacks on the defence's picture and power (cyber / denial) in one replication.

The contract of the mechanism, in one place:

- reads: the scenario's `cyber:` list (`scenario.cyber.CyberAttackSpec`: target, effect,
  start_s, duration_s, p_success, coast_s), the catalog's power types (`power.yaml`: kind,
  a generator's `start_s`) and the replication's power sources as drawn
  (`network.causes.ConnectionCauses.power`);
- state it owns: which attacks succeeded tonight (one draw each, stream
  `cyber:ATTACK:success`) and the windows they open (`windows`);
- tells: `Equipment` the causes it adds (`Equipment.add_causes`: a blanked component, a
  component without power), which the network, the sensors and the gates then read like any
  other modelled cause; `Gates` the frozen pictures of command posts (`freeze`);
- emits: CYBER records (one per attack: succeeded or failed, its window);
- reason codes: PICTURE_DENIED (a blank or stale picture, a denied node), GRID_DOWN (no
  power while the grid is cut); the failing element is `cyber:ATTACK`.

Effects (docs/network.md, "Attacks on the picture and the power"):
- `blank`: every targeted component is out for the window with PICTURE_DENIED: a command
  post shows no picture (its units' `reported` gate fails; a doctrine allowing fallback
  then fights on the launchers' own radars), a radar's display shows nothing, a relay
  passes no traffic;
- `stale`: a targeted command post's picture freezes at the start: an aircraft it held
  then stays reported for `coast_s`; anything else within the window is PICTURE_DENIED;
- `grid`: the grid sources of the targeted units go down for the window; a component fed
  by a working generator switches over to it after the generator's `start_s` (GRID_DOWN in
  between), one with no working generator is out for the window (GRID_DOWN); one already
  on generators (its grid connection failed) does not notice.

Not noise jamming: JAMMED comes from J/S at a receiver (engine.electronic_attack) and
depends on geometry; a denial attack depends on neither.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from iadsim.engine.events import EventKind, EventLog
from iadsim.engine.mechanisms import Mechanism
from iadsim.engine.rng import RngStreams
from iadsim.engine.world import World
from iadsim.killchain import CODE_PICTURE_DENIED, Reason, Stage
from iadsim.network.causes import Cause, ConnectionCauses


@dataclass(frozen=True)
class CyberWindow:
    """A successful attack: its effect on `components` over [start_s, end_s)."""

    attack: str
    effect: str
    start_s: float
    end_s: float
    components: tuple[str, ...]
    coast_s: float = 0.0

    @property
    def element(self) -> str:
        return f"cyber:{self.attack}"


def target_components(world: World, target: str) -> list[str]:
    """The component ids an attack's target names: a component, a unit's components, or a
    site's members (components or whole units)."""
    if target in world.component_index:
        return [target]
    if target in world.unit_index:
        return [c.id for c in world.components if c.unit == target]
    for site in world.scenario.spec.sites:
        if site.id == target:
            out: list[str] = []
            for ref in site.members:
                out += [c for c in target_components(world, ref) if c not in out]
            return out
    return []


class Cyber:
    """The night's attacks on the picture and the power (see the module docstring)."""

    def __init__(self, world: World, rs: RngStreams):
        self.world = world
        self.windows: list[CyberWindow] = []
        self.records: list[tuple[float, str, str, bool, float]] = []
        for atk in world.scenario.spec.cyber:
            u = rs.stream(f"cyber:{atk.id}:success").random()
            ok = bool(u < atk.p_success)
            self.records.append((atk.start_s, atk.id, atk.target, ok, atk.end_s))
            if ok:
                comps = tuple(target_components(world, atk.target))
                self.windows.append(
                    CyberWindow(atk.id, atk.effect, atk.start_s, atk.end_s, comps, atk.coast_s)
                )

    def log_to(self, log: EventLog) -> None:
        """One CYBER record per attack, at its start: succeeded or failed, and its end."""
        for t, aid, target, ok, end in self.records:
            what = "succeeded" if ok else "failed"
            log.add(t, EventKind.CYBER, component=target, detail=f"{aid}: {what}", value=end)

    def causes(self, drawn: ConnectionCauses) -> dict[str, list[Cause]]:
        """Component id -> the causes the successful attacks add (blank: PICTURE_DENIED;
        grid: GRID_DOWN where no working generator carries the load), given the night's
        power sources as drawn (`drawn.power`)."""
        out: dict[str, list[Cause]] = {}
        for w in self.windows:
            if w.effect == "blank":
                for cid in w.components:
                    out.setdefault(cid, []).append(
                        Cause(w.start_s, w.end_s, Reason.PICTURE_DENIED, w.element)
                    )
            elif w.effect == "grid":
                for cid, end in self._unpowered(w, drawn).items():
                    out.setdefault(cid, []).append(
                        Cause(w.start_s, end, Reason.GRID_DOWN, w.element)
                    )
        return out

    def _unpowered(self, w: CyberWindow, drawn: ConnectionCauses) -> dict[str, float]:
        """Component id -> when its power is back, for the components of a grid attack's
        units that run on the grid tonight: the window's end with no working generator,
        else the end of the switch-over."""
        w_ = self.world
        cat, spec = w_.scenario.catalog, w_.scenario.spec
        units = {w_.components[w_.component_index[c]].unit for c in w.components}
        out: dict[str, float] = {}
        for unit in spec.units:
            if unit.id not in units:
                continue
            sources = drawn.power.get(unit.id, [])
            for comp in unit.components:
                if not cat.components[comp.type].needs_power:
                    continue
                feeding = [(s, ok) for s, ok in sources if s.feeds is None or comp.id in s.feeds]
                kinds = [(cat.power[s.type], ok) for s, ok in feeding]
                if not any(pt.kind == "grid" and ok for pt, ok in kinds):
                    continue  # on generators already, or no power at all (NO_POWER)
                starts = [pt.start_s for pt, ok in kinds if pt.kind == "generator" and ok]
                end = w.end_s if not starts else min(w.end_s, w.start_s + min(starts))
                if end > w.start_s:
                    out[f"{unit.id}/{comp.id}"] = end
        return out

    def stale(self, cp_id: str) -> list[CyberWindow]:
        """The stale-picture windows on a command post."""
        return [w for w in self.windows if w.effect == "stale" and cp_id in w.components]

    def freeze(
        self, cp_id: str, times: np.ndarray, stage: np.ndarray, reason: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The search gate's (stage, reason) (A, K) at a command post whose picture is
        frozen: see `freeze_picture`."""
        for w in self.stale(cp_id):
            stage, reason = freeze_picture(times, stage, reason, w.start_s, w.end_s, w.coast_s)
        return stage, reason

    def element(self, cp_id: str, t: float) -> str | None:
        """The attack freezing a command post's picture at time t (a ledger row's element)."""
        for w in self.stale(cp_id):
            if w.start_s <= t < w.end_s:
                return w.element
        return None


def freeze_picture(
    times: np.ndarray,
    stage: np.ndarray,
    reason: np.ndarray | None,
    start_s: float,
    end_s: float,
    coast_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """A picture frozen over [start_s, end_s): inside the window an aircraft stays
    reported only if the picture held it at the last decision time at or before the start
    and no more than `coast_s` has passed; every other reported aircraft inside the window
    falls back to tracked with PICTURE_DENIED. Stages below reported are left as they are
    (the first break along the way speaks)."""
    times = np.asarray(times, float)
    inside = (times >= start_s) & (times < end_s)
    if not inside.any():
        return stage, reason
    before = np.flatnonzero(times <= start_s)
    if before.size:
        held = stage[:, before[-1]] >= Stage.REPORTED
    else:
        held = np.zeros(stage.shape[0], bool)
    fresh = inside & (times - start_s <= coast_s if math.isfinite(coast_s) else True)
    keep = held[:, None] & fresh[None, :]
    lose = inside[None, :] & (stage >= Stage.REPORTED) & ~keep
    stage = np.where(lose, int(Stage.TRACKED), stage).astype(np.int8)
    if reason is not None:  # None: the stages alone are asked (engine.gates, in the fight)
        reason = np.where(lose, CODE_PICTURE_DENIED, reason).astype(np.int8)
    return stage, reason


CONTRACTS = (
    Mechanism(
        name="cyber",
        summary="attacks on the defence's picture and power: blank or frozen pictures, a "
        "cut grid until a generator takes the load",
        module=__name__,
        process="Cyber",
        reads=("scenario.cyber", "catalog.power.kind", "catalog.power.start_s"),
        owns=("Cyber.windows",),
        reasons=(Reason.PICTURE_DENIED, Reason.GRID_DOWN),
        doc="docs/network.md",
    ),
)
