"""Message delivery: latency, capacity queuing and losses with causes, computed by hand."""

from __future__ import annotations

import pytest

from iadsim.killchain import Reason
from iadsim.network.graph import C2Network
from iadsim.network.messages import MessageBus, MessageKind


def chain() -> C2Network:
    """EW -(a 0.2s, 2 msg/s)- CP -(b 0.3s, 10 msg/s)- L."""
    net = C2Network()
    net.add_node("EW", "radar")
    net.add_node("CP", "command_post")
    net.add_node("L", "launcher")
    net.add_link("a", "EW", "CP", "radio", 0.2, capacity_per_s=2.0)
    net.add_link("b", "CP", "L", "cable", 0.3, capacity_per_s=10.0)
    return net


def test_uncongested_delivery_has_path_latency() -> None:
    bus = MessageBus(chain())
    d = bus.send(MessageKind.TRACK_REPORT, "EW", "L", 10.0, payload={"track": 1})
    assert d.delivered and d.t_arrival == pytest.approx(10.5) and d.queue_delay_s == 0.0
    assert d.links == ("a", "b") and d.message.payload == {"track": 1}


def test_per_link_queuing_by_hand() -> None:
    bus = MessageBus(chain())
    # three reports at t=0 on link a (one every 0.5 s): starts 0, 0.5, 1.0
    arr = [bus.send("track_report", "EW", "L", 0.0).t_arrival for _ in range(3)]
    # then link b (one every 0.1 s) is idle when each arrives at CP (0.2, 0.7, 1.2)
    assert arr == pytest.approx([0.5, 1.0, 1.5])
    assert bus.sent == 3 and bus.delivered == 3


def test_path_rate_limit_and_overflow() -> None:
    bus = MessageBus(chain(), rate_limit="path", max_queue_delay_s=0.6)
    d = [bus.send("target_designation", "EW", "L", 0.0) for _ in range(3)]
    assert [x.t_arrival for x in d[:2]] == pytest.approx([0.5, 1.0])
    assert not d[2].delivered and d[2].detail == "queue overflow"
    assert d[2].reason is Reason.LINK_DOWN and bus.losses[Reason.LINK_DOWN] == 1
    nolimit = MessageBus(chain(), rate_limit="none")
    assert [nolimit.send("target_designation", "EW", "L", 0.0).t_arrival for _ in range(3)] == [
        0.5
    ] * 3


def test_loss_no_path_and_in_transit() -> None:
    net = chain()
    net.destroy("CP", 5.0)
    net.set_down("b", 1.1, 2.0)
    bus = MessageBus(net)
    lost = bus.send("fire_control", "EW", "L", 6.0)
    assert not lost.delivered and lost.reason is Reason.NODE_DESTROYED and lost.culprit == "CP"
    assert lost.detail == "no path"
    # sent at 1.0: crosses a at 1.0, reaches b at 1.2 while b is down (1.1-2.0)
    d = bus.send("status", "EW", "L", 1.0)
    assert not d.delivered and d.reason is Reason.LINK_DOWN and d.culprit == "b"
    assert d.detail == "failed in transit"
    assert bus.losses == {Reason.NODE_DESTROYED: 1, Reason.LINK_DOWN: 1}
    assert len(bus.log) == 2
    bus.reset()
    assert bus.sent == 0 and not bus.log
