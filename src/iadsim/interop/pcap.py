"""Capture files of UDP datagrams (libpcap format, Ethernet/IPv4/UDP) written and read with
dpkt, so Wireshark/tshark and any DIS or ASTERIX replay tool can open what iadsim sends."""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dpkt

LOOPBACK = "127.0.0.1"
_MAC = b"\x02\x00\x00\x00\x00\x01"  # locally administered, for the Ethernet frame only


def _ip(text: str) -> bytes:
    return bytes(int(x) for x in text.split("."))


def udp_frame(payload: bytes, dst_port: int, src_port: int, src: str, dst: str) -> bytes:
    """An Ethernet/IPv4/UDP frame carrying `payload` (dpkt computes lengths and checksums)."""
    udp = dpkt.udp.UDP(sport=src_port, dport=dst_port, data=payload)
    udp.ulen = len(udp)
    ip = dpkt.ip.IP(src=_ip(src), dst=_ip(dst), p=dpkt.ip.IP_PROTO_UDP, ttl=64, data=udp)
    ip.len = len(ip)
    eth = dpkt.ethernet.Ethernet(src=_MAC, dst=_MAC, type=dpkt.ethernet.ETH_TYPE_IP, data=ip)
    return bytes(eth)


def write_udp_pcap(
    path: Path,
    datagrams: Iterable[tuple[float, bytes]],
    port: int,
    src: str = LOOPBACK,
    dst: str = LOOPBACK,
) -> int:
    """Write (epoch seconds, payload) datagrams to `path` as UDP to `port`; returns the count.
    The file is written to memory first and then in one go."""
    buf = io.BytesIO()
    writer = dpkt.pcap.Writer(buf, nano=False)
    n = 0
    for ts, payload in datagrams:
        writer.writepkt(udp_frame(payload, port, port, src, dst), ts=ts)
        n += 1
    Path(path).write_bytes(buf.getvalue())
    return n


@dataclass(frozen=True)
class Datagram:
    """A UDP payload read from a capture, with its frame number (1-based, as Wireshark
    counts), time and byte offset of the payload in the file."""

    frame: int
    time_s: float
    offset: int
    payload: bytes


def read_udp_pcap(data: bytes) -> tuple[list[Datagram], list[str]]:
    """The UDP payloads of a pcap (Ethernet, raw IP or Linux cooked captures) and a note per
    frame that is not IPv4/UDP or is cut short; never raises on bad frames. A file that is
    not a pcap raises ValueError."""
    try:
        reader = dpkt.pcap.Reader(io.BytesIO(data))
    except (ValueError, dpkt.dpkt.Error) as exc:
        raise ValueError(f"not a pcap file ({exc})") from None
    link = reader.datalink()
    out: list[Datagram] = []
    notes: list[str] = []
    offset = 24  # after the global header
    frames: Iterator = iter(reader)
    k = 0
    while True:
        try:
            ts, buf = next(frames)
        except StopIteration:
            break
        except (ValueError, dpkt.dpkt.Error, struct.error) as exc:
            notes.append(f"frame {k + 1} at byte {offset}: unreadable record ({exc}); stopped")
            break
        k += 1
        start = offset + 16
        offset = start + len(buf)
        try:
            if link == dpkt.pcap.DLT_EN10MB:
                ip = dpkt.ethernet.Ethernet(buf).data
            elif link == dpkt.pcap.DLT_LINUX_SLL:
                ip = dpkt.sll.SLL(buf).data
            else:
                ip = dpkt.ip.IP(buf)
        except (dpkt.dpkt.Error, ValueError) as exc:
            notes.append(f"frame {k} at byte {start}: not decodable ({exc})")
            continue
        udp = getattr(ip, "data", None)
        if not isinstance(ip, dpkt.ip.IP) or not isinstance(udp, dpkt.udp.UDP):
            notes.append(f"frame {k} at byte {start}: not IPv4/UDP")
            continue
        payload = bytes(udp.data)
        where = start + len(buf) - len(payload)
        out.append(Datagram(k, float(ts), where, payload))
    return out, notes
