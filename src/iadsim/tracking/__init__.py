"""Tracking: batched Kalman/IMM filters, GNN/JPDA association, track management, fusion, metrics."""

from iadsim.tracking.fusion import AirPicture, FusionCenter, FusionConfig
from iadsim.tracking.tracker import Tracker
from iadsim.tracking.tracks import TrackerConfig, TrackHistory, TrackTable

__all__ = [
    "AirPicture",
    "FusionCenter",
    "FusionConfig",
    "TrackHistory",
    "TrackTable",
    "Tracker",
    "TrackerConfig",
]
