"""Command-post fusion in the engine's Kalman mode: two early-warning radars feed one command
post over radio links; the post's air picture (FusionCenter) decides the `reported` stage."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from iadsim.analysis.tracking_report import tracking_report
from iadsim.engine.fusion_picture import (
    FUSION_CONFIG,
    MAX_POS_STD_PICTURE_M,
    CpPicture,
    Feed,
    cp_picture,
    make_feed,
)
from iadsim.engine.kalman_tracks import TrackReports
from iadsim.engine.replication import Replication
from iadsim.engine.run import prepare
from iadsim.tracking import FusionCenter, FusionConfig
from tests.builders import aircraft, component, link, make_scenario, unit, write_scenario

# SAM's command post at the origin. EW-S sits 78 km south, EW-E 77 km east, so they see the
# raid from directions about 90 degrees apart (their cross-range errors cross). The SAM's
# engagement radar is cut off from the post and the launcher (so it neither feeds the picture
# nor guides missiles: nothing is shot down and the raid flies its whole route). Two aircraft
# fly south 55 km apart, at 8 and 9 km altitude, in both radars' cover.


def cp_picture_reference(
    feeds: list[Feed],
    times: np.ndarray,
    n_aircraft: int,
    config: FusionConfig = FUSION_CONFIG,
    max_pos_std_m: float = MAX_POS_STD_PICTURE_M,
) -> CpPicture:
    """The independent reference for `cp_picture`: the same picture by its definition, written
    plainly: receive the newest report per source, fuse at every decision time."""
    times = np.asarray(times, float)
    fc = FusionCenter(config, n_dims=3)
    given = {f.source: -1 for f in feeds}
    firm = np.zeros((n_aircraft, times.size), bool)
    rows: list[tuple] = []
    for i, t in enumerate(times.tolist()):
        for f in feeds:
            arrived = np.flatnonzero(f.t_arrive <= t)
            if arrived.size == 0:
                continue
            cur = int(arrived.max())
            if cur <= given[f.source] or t - f.t_valid[cur] > config.stale_after_s:
                continue
            given[f.source] = cur
            rep = f.reports
            r = int(f.rep[cur])
            sl = slice(int(rep.start[r]), int(rep.start[r + 1]))
            held = fc.lid[fc.src == f.source]
            gone = held[~np.isin(held, rep.ids[sl])]
            if gone.size:
                fc.drop_source_track(f.source, gone)
            if sl.stop > sl.start:
                fc.receive(
                    f.source,
                    float(f.t_valid[cur]),
                    rep.ids[sl],
                    rep.x[sl],
                    rep.p[sl],
                    rep.truth[sl],
                )
        pic = fc.fuse(t)
        std = np.sqrt((pic.p[:, 0, 0] + pic.p[:, 2, 2]) / 2)
        for sys_id, truth, s, n_src in zip(pic.ids, pic.truth_ids, std, pic.n_sources, strict=True):
            rows.append((i, int(sys_id), int(truth), float(s), int(n_src)))
            if truth >= 0 and s <= max_pos_std_m:
                firm[truth, i] = True
    arr = np.array(rows, dtype=float).reshape(-1, 5)
    e = np.zeros(0, np.int64)
    return CpPicture(
        times,
        firm,
        arr[:, 0].astype(np.int64),
        arr[:, 1].astype(np.int64),
        arr[:, 2].astype(np.int64),
        arr[:, 3],
        arr[:, 4].astype(np.int64),
        e,
        e,
        np.zeros(0),
        int(times.size),
        tuple(sorted({f.source for f in feeds})),
    )


def fusion_scenario(up_s: bool, up_e: bool) -> dict:
    ew = [component("radar", "early-warning-radar")]
    return make_scenario(
        "fusion-test",
        start_utc="2026-01-03T12:00:00Z",
        duration_s=900,
        units=[
            unit(
                "SAM",
                "sam-long-range",
                [
                    component("cp", "command-post-lr"),
                    component("engage", "engagement-radar-lr"),
                    component("tel-1", "tel-lr"),
                ],
            ),
            unit("EW-S", "early-warning-site", ew, at=(9.3, -66.0)),
            unit("EW-E", "early-warning-site", ew, at=(10.0, -65.3)),
        ],
        links=[
            link("EW-S/radar", "SAM/cp", id="s-cp", kind="radio", latency_s=1.0, up=up_s),
            link("EW-E/radar", "SAM/cp", id="e-cp", kind="radio", latency_s=2.5, up=up_e),
            link("SAM/engage", "SAM/cp", up=False),
            link("SAM/engage", "SAM/tel-1", up=False),
        ],
        raid=[
            aircraft("F1", "ew-aircraft", [(10.9, -66.4, 8000), (9.7, -65.8, 8000)], jamming=False),
            aircraft("F2", "ew-aircraft", [(10.9, -65.9, 9000), (9.7, -66.3, 9000)], jamming=False),
        ],
    )


def _prepared(tmp_path_factory, up_s: bool, up_e: bool, tracker: str = "kalman"):
    path = write_scenario(tmp_path_factory.mktemp("fusion"), fusion_scenario(up_s, up_e))
    return prepare(path, tracker=tracker)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    return _prepared(tmp_path_factory, True, True)


@pytest.fixture(scope="module")
def run_both(both):
    rep = Replication(both.geometry, 4)
    return rep, rep.run()


def _sources(pic, rep) -> set[str]:
    w = rep.world
    return {w.components[int(s)].id for s in np.unique(pic.c_source)}


def _sam_row(result) -> dict:
    return {r["unit"]: r for r in result.ledger.table().to_pylist()}["SAM"]


def test_one_stable_system_track_per_aircraft(run_both):
    rep, result = run_both
    pic = rep.gates.pictures["SAM"]
    assert _sources(pic, rep) == {"EW-S/radar", "EW-E/radar"}
    assert all(a.get("killed_at_s") is None for a in result.aircraft)
    for a in range(2):
        firm = np.flatnonzero(pic.firm[a])
        assert firm.size > 200  # most of the ~5 min pass at 2 s decisions
        # one system track follows the aircraft, under one number all along
        sel = pic.g_truth == a
        assert np.unique(pic.g_sys[sel]).size == 1
        assert np.bincount(pic.g_t[sel]).max() == 1
        # once both radars hold it, it is fused from both
        assert (pic.g_n_sources[sel] == 2).mean() > 0.9
    assert np.unique(pic.g_sys).size == 2  # no clutter or duplicate track in the picture


def test_fused_covariance_smaller_than_either_source(run_both):
    rep, _ = run_both
    pic = rep.gates.pictures["SAM"]
    two = np.flatnonzero(pic.g_n_sources == 2)
    assert two.size > 400
    best = np.full(pic.g_t.size, np.inf)
    worst = np.zeros(pic.g_t.size)
    np.minimum.at(best, pic.c_group, pic.c_std_h)  # local tracks predicted to the same time
    np.maximum.at(worst, pic.c_group, pic.c_std_h)
    ratio = pic.g_std_h[two] / best[two]
    assert (pic.g_std_h[two] < worst[two]).all()
    # covariance intersection is conservative, yet with crossing error ellipses the fused
    # track beats the better radar almost always
    assert (ratio < 1.0).mean() > 0.9
    assert np.median(ratio) < 0.8


def test_picture_waits_for_the_report_latency(run_both):
    rep, _ = run_both
    pic = rep.gates.pictures["SAM"]
    w = rep.world
    arrivals = []
    for si, st in rep.sensing.sensors.items():
        if w.components[si].unit == "SAM":
            continue
        rep_ = st.reports
        has = np.diff(rep_.start) > 0
        first = rep_.look[np.flatnonzero(has)[0]]
        latency = 1.0 if w.components[si].unit == "EW-S" else 2.5
        arrivals.append(st.geo.times_s[first] + latency)
    first_in_picture = pic.times[np.flatnonzero(pic.firm.any(axis=0))[0]]
    assert first_in_picture >= min(arrivals) - 1e-9


def test_batched_picture_equals_fusion_center_at_every_time(run_both):
    rep, _ = run_both
    pic = rep.gates.pictures["SAM"]
    w = rep.world
    cp = w.components[w.component_index["SAM/cp"]]
    feeds = []
    for si, st in rep.sensing.sensors.items():
        if w.components[si].unit == "SAM":
            continue
        looks = st.reports.look
        path = rep.network.status(w.components[si].id, cp.id, st.geo.times_s)
        sent = rep.sensing.code(si, np.arange(st.geo.times_s.size)) == 0
        feeds.append(
            make_feed(
                si, st.reports, st.geo.times_s, sent[looks], path.ok[looks], path.latency_s[looks]
            )
        )
    fast = cp_picture(feeds, pic.times, 2)
    ref = cp_picture_reference(feeds, pic.times, 2)
    np.testing.assert_array_equal(fast.firm, pic.firm)
    np.testing.assert_array_equal(fast.firm, ref.firm)
    for name in ("g_t", "g_sys", "g_truth", "g_n_sources"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(ref, name))
    np.testing.assert_allclose(fast.g_std_h, ref.g_std_h, rtol=1e-9)
    assert fast.fusion_calls < 10 < ref.fusion_calls


def test_new_local_track_joins_the_existing_system_track():
    """Synthetic: source 1 holds a track of aircraft 0; source 2's track of it arrives later,
    breaks (a new local id) and comes back: the system number never changes."""
    x = np.array([0.0, 100.0, 0.0, 0.0, 5000.0, 0.0])
    p = np.diag([100.0**2, 10.0**2, 100.0**2, 10.0**2, 200.0**2, 10.0**2])

    def reports(ids_by_look: list[list[int]]) -> TrackReports:
        look = np.arange(len(ids_by_look))
        counts = [len(i) for i in ids_by_look]
        ids = np.array([i for row in ids_by_look for i in row], np.int64)
        xs = np.array(
            [x + [100.0 * k, 0, 0, 0, 0, 0] for k, row in enumerate(ids_by_look) for _ in row]
        ).reshape(-1, 6)
        return TrackReports(
            look,
            np.concatenate([[0], np.cumsum(counts)]),
            ids,
            xs,
            np.repeat(p[None], ids.size, 0),
            np.zeros(ids.size, np.int64),
        )

    n = 10
    t_look = np.arange(n, dtype=float)
    r1 = reports([[7]] * n)
    r2 = reports([[], [], [3], [3], [], [4], [4], [4], [4], [4]])
    ok = np.ones(n, bool)  # one report per look here
    feeds = [
        make_feed(1, r1, t_look, ok, ok, np.full(n, 0.5)),
        make_feed(2, r2, t_look, ok, ok, np.full(n, 0.2)),
    ]
    times = t_look + 0.6
    pic = cp_picture(feeds, times, 1)
    ref = cp_picture_reference(feeds, times, 1)
    assert np.unique(pic.g_sys).tolist() == [1]
    np.testing.assert_array_equal(pic.g_n_sources, [1, 1, 2, 2, 1, 2, 2, 2, 2, 2])
    np.testing.assert_array_equal(pic.g_n_sources, ref.g_n_sources)
    np.testing.assert_allclose(pic.g_std_h, ref.g_std_h, rtol=1e-9)
    assert pic.firm.all()


def test_one_link_down_other_radar_keeps_the_aircraft(tmp_path_factory):
    prepared = _prepared(tmp_path_factory, True, False)
    rep = Replication(prepared.geometry, 4)
    result = rep.run()
    pic = rep.gates.pictures["SAM"]
    assert _sources(pic, rep) == {"EW-S/radar"}
    assert (pic.g_n_sources == 1).all()
    for a in range(2):
        assert pic.firm[a].sum() > 200
        assert np.unique(pic.g_sys[pic.g_truth == a]).size == 1
    # reported, then stopped at fire control (the engagement radar is cut off)
    row = _sam_row(result)
    assert row["stage"] == "assigned"


def test_both_links_down_reported_fails_with_link_down(tmp_path_factory):
    prepared = _prepared(tmp_path_factory, False, False)
    for seed in (1, 2):
        rep = Replication(prepared.geometry, seed)
        result = rep.run()
        pic = rep.gates.pictures["SAM"]
        assert not pic.firm.any() and pic.g_t.size == 0
        rows = [r for r in result.ledger.table().to_pylist() if r["unit"] == "SAM"]
        assert len(rows) == 2
        assert all((r["stage"], r["reason"]) == ("tracked", "LINK_DOWN") for r in rows)


def test_deterministic(both):
    def tables(prepared):
        res = prepared.replicate(9)
        return repr(res.ledger.table().to_pydict()), repr(res.events.table().to_pydict())

    first = tables(both)
    assert tables(both) == first
    assert tables(pickle.loads(pickle.dumps(both))) == first  # as Monte Carlo workers get it


def test_mofn_mode_builds_no_picture(tmp_path_factory):
    prepared = _prepared(tmp_path_factory, True, True, tracker="mofn")
    rep = Replication(prepared.geometry, 4)
    rep.run()
    assert not rep.gates.pictures
    assert all(st.reports is None for st in rep.sensing.sensors.values())


def test_tracking_report_fusion_metrics(both, run_both):
    _, result = run_both
    rep = tracking_report(both, result)
    json.dumps(rep, allow_nan=False)
    (cp,) = rep["command_posts"]
    assert cp["unit"] == "SAM" and cp["command_post"] == "SAM/cp"
    assert cp["sources"] == ["EW-E/radar", "EW-S/radar", "SAM/engage"]
    assert cp["contributing"] == ["EW-E/radar", "EW-S/radar"]
    for row in cp["aircraft"]:
        assert (row["system_tracks"], row["number_changes"], row["max_simultaneous"]) == (1, 0, 1)
        assert row["mean_sources"] > 1.8 and row["times_firm"] > 200
        assert row["median_std_h_m"] < 1500.0
