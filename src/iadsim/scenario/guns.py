"""Guns and damage in the data: the catalog's gun types (`catalog/guns.yaml`), each aircraft
type's vulnerability to them (`aircraft.yaml`, `vulnerability:`), and the scenario's gun
sites and teams (`guns:`, `schema.GunSiteSpec`). The engine's mechanism is `engine/guns.py`;
the arithmetic is `engagement/gunnery.py` (docs/engagement.md, "Guns and damage").

The damage model is the survivability textbook's: a round that hits the aircraft's presented
area A_P kills it with P(kill | hit) = A_V,kill / A_P and makes it abort the mission with
P(abort | hit) = A_V,abort / A_P, where A_V are the vulnerable areas to that projectile
(R. E. Ball, The Fundamentals of Aircraft Combat Survivability Analysis and Design, 2nd ed.,
AIAA 2003, ch. 1 and 5); otherwise it flies on damaged.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

ProjectileName = Annotated[str, Field(min_length=1, max_length=40)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GunType(_Strict):
    """A gun, heavy machine gun or small arm as a weapon of a team (notional, sourced).

    Per burst every barrel fires `burst_rounds`; the rounds fall around the aim point with a
    circular normal spread of `dispersion_mrad` (the gun's dispersion and the crew's aiming
    and tracking error together) about the target; the first burst follows `reaction_s` after
    the crew acquires the target, the next `burst_interval_s` after the one before.
    `acquisition_night_m`: how far a crew laying by eye sees (or hears and then sees) a
    blacked-out aircraft at night without night sights; by day, or with a radar or night
    sights, it is the effective range."""

    description: str
    source: str
    projectile: ProjectileName  # the vulnerable areas of aircraft.yaml are per projectile
    barrels: PositiveInt = 1
    effective_range_m: PositiveFloat  # effective slant range against aircraft
    rate_of_fire_rpm: PositiveFloat  # per barrel, cyclic
    burst_rounds: PositiveInt  # per barrel and burst
    burst_interval_s: PositiveFloat  # from one burst to the next (re-laying included)
    dispersion_mrad: PositiveFloat  # 1-sigma radial spread about the target, night aiming
    laying: Literal["visual", "radar"] = "visual"
    acquisition_night_m: PositiveFloat = 1000.0
    reaction_s: float = Field(default=5.0, ge=0.0)
    rounds: PositiveInt = 500  # per gun, ready to fire

    @model_validator(mode="after")
    def _burst_fits(self) -> GunType:
        burst_s = self.burst_rounds / (self.rate_of_fire_rpm / 60.0)
        if burst_s > self.burst_interval_s:
            raise ValueError(
                f"a burst of {self.burst_rounds} rounds at {self.rate_of_fire_rpm} rounds/min "
                f"lasts {burst_s:.2f} s, longer than burst_interval_s {self.burst_interval_s}"
            )
        return self


class Vulnerability(_Strict):
    """An aircraft type's vulnerability to gunfire: its presented area and, per projectile,
    its vulnerable areas to a kill and to a mission abort (each at most the presented area;
    together too: a hit either kills, makes it abort or leaves it flying on)."""

    presented_area_m2: PositiveFloat
    kill_area_m2: dict[ProjectileName, Annotated[float, Field(ge=0.0)]]
    abort_area_m2: dict[ProjectileName, Annotated[float, Field(ge=0.0)]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _within_presented(self) -> Vulnerability:
        for p in set(self.kill_area_m2) | set(self.abort_area_m2):
            total = self.kill_area_m2.get(p, 0.0) + self.abort_area_m2.get(p, 0.0)
            if total > self.presented_area_m2:
                raise ValueError(
                    f"vulnerable areas to {p!r} ({total} m^2) exceed the presented area "
                    f"({self.presented_area_m2} m^2)"
                )
        return self

    def p_kill_given_hit(self, projectile: str) -> float:
        """P(kill | one hit) = A_V,kill / A_P (0 for a projectile not listed)."""
        return self.kill_area_m2.get(projectile, 0.0) / self.presented_area_m2

    def p_abort_given_hit(self, projectile: str) -> float:
        """P(abort | one hit) = A_V,abort / A_P (0 for a projectile not listed)."""
        return self.abort_area_m2.get(projectile, 0.0) / self.presented_area_m2


def check_guns(items, catalog, unit_ids, report) -> None:
    """The scenario's `guns:` against the catalog: known gun types, unique ids, units that
    exist (an aircraft type without a vulnerability to a gun's projectile is immune to it)."""
    seen: set[str] = set()
    for i, gun in items("guns"):
        gid = gun.get("id")
        if isinstance(gid, str):
            if gid in seen:
                report(("guns", i, "id"), f"duplicate gun site id {gid!r}")
            seen.add(gid)
        gtype = gun.get("type")
        if isinstance(gtype, str) and gtype not in catalog.guns:
            known = ", ".join(sorted(catalog.guns)) or "none"
            report(("guns", i, "type"), f"unknown gun type {gtype!r} (the catalog has: {known})")
        unit = gun.get("unit")
        if isinstance(unit, str) and unit not in unit_ids:
            report(("guns", i, "unit"), f"unknown unit {unit!r}")
