"""Per missile type, the engagement room's models built once per scenario: the flyout (with
its time-of-flight table) and the Pk model."""

from __future__ import annotations

from dataclasses import dataclass

from iadsim.engagement.flyout import Flyout
from iadsim.engagement.pk import PkModel
from iadsim.scenario.catalog import MissileType


@dataclass(frozen=True)
class WeaponModel:
    """A missile type's kinematics and lethality."""

    missile: MissileType
    flyout: Flyout
    pk_model: PkModel


def weapon_model(missile: MissileType) -> WeaponModel:
    """Build the flyout and Pk model of a catalog missile."""
    f, k = missile.flyout, missile.pk_factors
    flyout = Flyout(
        boost_time_s=f.boost_time_s,
        boost_accel_mps2=f.boost_accel_mps2,
        drag_k_per_m=f.drag_k_per_m,
        launch_speed_mps=f.launch_speed_mps,
        min_speed_mps=f.min_speed_mps,
        max_time_s=f.max_time_s,
    )
    pk_model = PkModel(
        base_pk=dict(missile.pk),
        max_range_m=missile.max_range_m,
        min_range_m=missile.min_range_m,
        range_knee=k.range_knee,
        range_floor=k.range_floor,
        beam_factor=k.beam_factor,
        low_altitude_m=k.low_altitude_m,
        low_altitude_factor=k.low_altitude_factor,
    )
    return WeaponModel(missile, flyout, pk_model)
