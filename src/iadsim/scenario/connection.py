"""Scenario models of the causes of a broken connection (docs/network.md, "Why a connection
breaks"): communications sets per component, power sources per unit, the unit's deployment,
and its doctrine for fighting on its own when its command post is lost.

Each is an input a user can change, from which a modelled mechanism (maintenance decay,
power dependency, set-up time, crew training) decides whether a link or component works;
none is a hand-set "link down".
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from iadsim.scenario.readiness import MaintenanceSpec, ReadinessValue

SubId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _finite_time(v: float | None) -> float | None:
    if v is not None and not math.isfinite(v):
        raise ValueError(f"must be a finite number of seconds, got {v}")
    return v


class CommsSetSpec(_Strict):
    """A radio set, cable terminal or data-transfer unit carried by a component.

    With no `readiness` or `maintenance` it ages with its component's maintenance history
    (the catalog's comms type gives its own failure rates)."""

    id: SubId
    type: str = Field(description="catalog comms type, e.g. radio-set")
    readiness: ReadinessValue | None = None
    maintenance: MaintenanceSpec | None = None
    note: str = ""


class PowerSourceSpec(_Strict):
    """A generator or a grid connection feeding some of a unit's components."""

    id: SubId
    type: str = Field(description="catalog power type, e.g. diesel-generator, grid")
    readiness: ReadinessValue | None = None
    maintenance: MaintenanceSpec | None = None
    feeds: list[SubId] | None = Field(
        default=None, description="component ids it powers (default: all that need power)"
    )
    note: str = ""


class DeploymentSpec(_Strict):
    """Where the unit is: deployed on its site, on the march, in garrison, or in storage.

    deployed: working once `since_s` (arrival on site; negative = before the start) plus
    the set-up time has passed; march: arrives at `ordered_s` (never if omitted), then sets
    up; garrison: ordered out at `ordered_s` (never if omitted), marches `march_s`, sets up;
    storage: the whole unit is in storage for the run."""

    state: Literal["deployed", "march", "garrison", "storage"] = "deployed"
    since_s: float | None = Field(default=None, description="deployed: arrival on site")
    ordered_s: float | None = Field(default=None, description="march/garrison: see above")
    march_s: float | None = Field(default=None, ge=0.0, description="garrison to site")
    setup_s: float | None = Field(default=None, ge=0.0, description="override of the catalog")
    # "up": the unit's data network is established before the scenario starts; "down": at
    # the alert (the start) its crew must bring it up, with a probability and a delay that
    # depend on its proficiency (readiness.network_setup)
    network_at_start: Literal["up", "down"] = "up"
    note: str = ""

    _finite = field_validator("since_s", "ordered_s", "march_s", "setup_s")(_finite_time)


class FallbackSpec(_Strict):
    """Doctrine when a centralized unit loses its command post: fight on its own sensors
    after `delay_s`, if `allowed` (defaults from the catalog's unit type)."""

    allowed: bool | None = None
    delay_s: float | None = Field(default=None, ge=0.0)

    _finite = field_validator("delay_s")(_finite_time)


class CannibaliseSpec(_Strict):
    """A unit pools its working comms sets onto `vehicles` (in order of importance), each
    moved set working there from `setup_s` on (network.pooling)."""

    vehicles: list[SubId] = Field(min_length=1)
    setup_s: float = Field(default=1800.0, ge=0.0)
    note: str = ""

    _finite = field_validator("setup_s")(_finite_time)


class IntegrationSpec(_Strict):
    """Whether a sensor's output is usable by a command post (overrides the catalog matrix)."""

    sensor: str
    command_post: str
    integrated: bool = True
    note: str = ""
