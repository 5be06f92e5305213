"""Scheduled strikes: per-kind probabilities, one named uniform per (strike, component), the
earliest hit kept. Expected outcomes are worked out by hand from given uniforms."""

import numpy as np
import pytest
from pydantic import ValidationError

from iadsim.scenario.schema import StrikeSpec
from iadsim.threats.strikes import resolve_strikes


class FixedStreams:
    """Streams that return a given uniform per name (and record which names were asked)."""

    def __init__(self, draws: dict[str, float]):
        self.draws, self.asked = draws, []

    def __call__(self, name: str):
        self.asked.append(name)
        value = self.draws[name]

        class _One:
            def random(self):
                return value

        return _One()


def strike(sid="S1", t=600.0, **kw) -> StrikeSpec:
    return StrikeSpec(id=sid, site="VOLCAN", time_s=t, **kw)


TARGETS = [("EW/radar", "early_warning_radar"), ("SAM/cp", "command_post")]


def test_destroyed_disabled_or_unharmed_by_the_uniform():
    # p_destroy 0.3, p_disable 0.2: u < 0.3 destroyed, 0.3 <= u < 0.5 disabled, else unharmed
    s = strike(p_destroy=0.3, p_disable=0.2)
    for u, effect in [(0.29, "destroyed"), (0.3, "disabled"), (0.49, "disabled"), (0.5, None)]:
        streams = FixedStreams({"strike:S1:EW/radar": u})
        out = resolve_strikes([s], lambda _: TARGETS[:1], streams)
        assert ("EW/radar" in out.destroyed_at) == (effect == "destroyed"), u
        assert ("EW/radar" in out.disabled_at) == (effect == "disabled"), u
        assert out.records == [(600.0, "S1", "VOLCAN", "precision-guided munition")]


def test_table_by_kind_with_star_for_the_rest():
    s = strike(p_destroy={"command_post": 0.0, "*": 0.8}, p_disable={"command_post": 0.9})
    assert s.probabilities("command_post") == (0.0, 0.9)
    assert s.probabilities("early_warning_radar") == (0.8, 0.0)  # no '*' in p_disable: 0
    streams = FixedStreams({"strike:S1:EW/radar": 0.7, "strike:S1:SAM/cp": 0.7})
    out = resolve_strikes([s], lambda _: TARGETS, streams)
    assert out.destroyed_at == {"EW/radar": 600.0}
    assert out.disabled_at == {"SAM/cp": 600.0}


def test_one_named_stream_per_strike_and_component_drawn_whatever_the_outcome():
    s1, s2 = strike("S1", 600.0, p_destroy=1.0), strike("S2", 300.0, p_destroy=0.0)
    names = {f"strike:{s}:{c}": 0.5 for s in ("S1", "S2") for c, _ in TARGETS}
    streams = FixedStreams(names)
    out = resolve_strikes([s1, s2], lambda _: TARGETS, streams)
    assert sorted(streams.asked) == sorted(names)
    assert out.destroyed_at == {"EW/radar": 600.0, "SAM/cp": 600.0}


def test_a_component_hit_twice_keeps_the_earliest_time():
    late, early = strike("LATE", 900.0, p_destroy=1.0), strike("EARLY", 120.0, p_destroy=1.0)
    streams = FixedStreams({f"strike:{s}:EW/radar": 0.1 for s in ("LATE", "EARLY")})
    out = resolve_strikes([late, early], lambda _: TARGETS[:1], streams)
    assert out.destroyed_at == {"EW/radar": 120.0}


def test_frequencies_with_real_streams():
    """With the engine's named streams, destroyed / disabled frequencies over 4000 seeds
    match p_destroy and p_disable within 4 sigma."""
    from iadsim.engine.rng import RngStreams

    s = strike(p_destroy=0.35, p_disable=0.25)
    n = 4000
    counts = np.zeros(2)
    for seed in range(n):
        out = resolve_strikes([s], lambda _: TARGETS[:1], RngStreams(seed).stream)
        counts += ["EW/radar" in out.destroyed_at, "EW/radar" in out.disabled_at]
    for got, p in zip(counts / n, (0.35, 0.25), strict=True):
        assert abs(got - p) < 4 * np.sqrt(p * (1 - p) / n)


def test_probabilities_above_one_are_refused():
    with pytest.raises(ValidationError, match="> 1 for 'relay'"):
        strike(p_destroy={"relay": 0.7}, p_disable={"*": 0.5})
