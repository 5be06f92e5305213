"""Argument types shared by the commands: seeds, counts and finite numbers checked by the
parser, so a bad value ends as `iadsim CMD: error: argument --seed: ...` with exit 2."""

from __future__ import annotations

import argparse
import math

import iadsim.limits as limits


def _int(text: str, name: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**63-1."""
    value = _int(text, "seed")
    if not 0 <= value <= limits.MAX_SEED:
        raise argparse.ArgumentTypeError(f"a seed is a whole number from 0 to 2**63-1, got {value}")
    return value


def replications(text: str) -> int:
    """A replication count from 1 to limits.MAX_REPLICATIONS."""
    value = _int(text, "replications")
    if not 1 <= value <= limits.MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(
            f"replications must be from 1 to {limits.MAX_REPLICATIONS:,} (limits.MAX_REPLICATIONS)"
            f", got {value:,}"
        )
    return value


def workers(text: str) -> int:
    """A worker count from 1 to limits.MAX_WORKERS."""
    value = _int(text, "workers")
    if not 1 <= value <= limits.MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"workers must be from 1 to {limits.MAX_WORKERS}, got {value}"
        )
    return value


def positive_int(text: str) -> int:
    value = _int(text, "")
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def finite(text: str) -> float:
    """A finite real number (nan and inf are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def positive(text: str) -> float:
    value = finite(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def probability(text: str) -> float:
    value = finite(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a probability between 0 and 1, got {text!r}")
    return value
