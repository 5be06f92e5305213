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
    """Build the flyout and Pk model of a catalog missile (the catalog's validated fields,
    taken by name)."""
    flyout = Flyout(**missile.flyout.model_dump())
    pk_model = PkModel(
        base_pk=dict(missile.pk),
        max_range_m=missile.max_range_m,
        min_range_m=missile.min_range_m,
        **missile.pk_factors.model_dump(),
    )
    return WeaponModel(missile, flyout, pk_model)
