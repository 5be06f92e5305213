"""Steps the event loop leaves out because they would do nothing: a unit's launch decisions
where every aircraft at fire control is down, already engaged by the unit or out of salvos
(`Fight._schedule_next_decision`); anti-radiation listening steps where every carrier in
sight of a radar is down, out of rounds or too late for the radar (`ArmProcess._schedule`);
and, within a listening step, the paths of carriers busy, down or out of rounds and of
radars fired at (`ArmProcess._weighed`).

The reference runs every step, as the engine did before: a fight that queues a decision at
every index where some aircraft is at fire control, and an ARM process that queues every
listening opportunity and weighs every path in it. The event logs, ledgers and aircraft
summaries must be the same, on Caracas nights where channels are taken and freed, MANPADS
teams are disarmed by return fire and ARM carriers run out of rounds."""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

import pytest

from iadsim.engine import anti_radiation as arm_module
from iadsim.engine import fight as fight_module
from iadsim.engine import replication as replication_module
from iadsim.engine.anti_radiation import ArmProcess
from iadsim.engine.fight import Fight
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare

CARACAS = Path(__file__).resolve().parents[2] / "scenarios" / "caracas-2026-01-03.yaml"


class EveryDecision(Fight):
    """A decision at every index where some aircraft is at fire control (no skipping)."""

    def _schedule_next_decision(self, ci: int, start: int) -> None:
        c = self._fire_control_order[ci].candidates
        pos = bisect_left(c, start)
        if pos < len(c):
            t = float(self.chains[ci].geo.times_s[c[pos]])
            self.queue.schedule(t, self._decide, ci, c[pos], self._generation[ci])

    def _disengage(self, ci: int, a: int) -> None:
        if (ci, a) in self.engaged:
            self.engaged.remove((ci, a))
            self.active[ci] -= 1


class EveryListen(ArmProcess):
    """Every listening opportunity in the queue, every path in it weighed (no skipping)."""

    def _weighed(self, j: int, t: float) -> list[int]:
        return list(range(len(self.sight.opportunities[j][1])))

    def _schedule(self, j: int) -> None:
        if j < len(self.sight.opportunities):
            k = self.sight.opportunities[j][0]
            self.ctx.queue.schedule(float(self.sight.times_s[k]), self._listen, j)


@pytest.fixture(scope="module")
def caracas():
    return prepare(CARACAS)


def _outputs(geometry, seed):
    rep = Replication(geometry, seed)
    result = rep.run()
    # compared as text: the ledger's times not reached are NaN, which equals nothing
    outputs = (result.events.rows(), result.ledger.table().to_pylist(), result.aircraft)
    return rep, repr(outputs)


@pytest.mark.parametrize("seed", [0, 4, 6, 7])
@pytest.mark.parametrize(
    "skip_at_most, pick_above", [(fight_module.SKIP_AT_MOST, arm_module.PICK_ABOVE), (1, 0)]
)
def test_skipping_idle_steps_changes_nothing(caracas, monkeypatch, seed, skip_at_most, pick_above):
    """Also when the search for the next decision stops after one index (its stop, a
    decision with nothing to do, then searches on), and when every listening step picks
    the paths it weighs (Caracas's steps are too small to pick by default)."""
    monkeypatch.setattr(fight_module, "SKIP_AT_MOST", skip_at_most)
    monkeypatch.setattr(arm_module, "PICK_ABOVE", pick_above)
    rep, fast = _outputs(caracas.geometry, seed)
    with monkeypatch.context() as m:
        m.setattr(replication_module, "Fight", EveryDecision)
        m.setattr(replication_module, "ArmProcess", EveryListen)
        ref_rep, slow = _outputs(caracas.geometry, seed)
        assert isinstance(ref_rep.fight, EveryDecision)
    assert fast == slow
    # the nights exercise what the skipping depends on: channels freed, shots taken
    assert any(rep.fight.salvos.values())
    assert ref_rep.arms is not None and ref_rep.arms.shots == rep.arms.shots


def test_the_reference_runs_more_steps(caracas, monkeypatch):
    """The skipping is real: the engine runs fewer decisions than the reference."""
    calls: dict[str, int] = {}

    def counting(name: str, fight_cls: type[Fight]) -> type[Fight]:
        class Counting(fight_cls):
            def _decide(self, ci, k, generation):
                calls[name] = calls.get(name, 0) + 1
                super()._decide(ci, k, generation)

        return Counting

    for name, fight_cls, arm_cls in (
        ("engine", Fight, ArmProcess),
        ("reference", EveryDecision, EveryListen),
    ):
        with monkeypatch.context() as m:
            m.setattr(replication_module, "Fight", counting(name, fight_cls))
            m.setattr(replication_module, "ArmProcess", arm_cls)
            Replication(caracas.geometry, 0).run()
    assert calls["engine"] < 0.9 * calls["reference"]
