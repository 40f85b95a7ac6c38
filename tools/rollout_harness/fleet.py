"""The synthetic organization and fleet the scripted SSM runs against, and what a scenario scripts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Member accounts behind every OU (and the root) of a policy: enough to make percentages and
# counts differ, small enough to read in a failure message.
ACCOUNTS_PER_OU = 2
# Managed nodes in every account-region that a wave's tags select.
NODES_PER_LOCATION = 4
# Virtual time one account-region's automation takes (the runbook on all of its nodes) when its
# nodes install, and when they only scan (a dry run, or nodes past the wave's deadline).
LOCATION_SECONDS = 600
SCAN_ONLY_SECONDS = 120


def ou_accounts(ou: str) -> list[str]:
    """The member accounts of an OU (or root): fixed, derived from its id."""
    digest = hashlib.sha256(ou.encode()).hexdigest()
    return [f"5{int(digest[i * 8:(i + 1) * 8], 16) % 10**11:011d}" for i in range(ACCOUNTS_PER_OU)]


def node_ids(account: str, region: str) -> list[str]:
    digest = hashlib.sha256(f"{account}/{region}".encode()).hexdigest()
    return [f"i-{digest[i * 17:(i + 1) * 17]}" for i in range(NODES_PER_LOCATION)]


@dataclass
class WaveScript:
    """How the fleet behaves in one wave."""

    # account-region -> failure message: that location's automation fails outright
    failing_locations: dict[tuple[str, str], str] = field(default_factory=dict)
    # account-region -> number of its nodes whose patch command fails
    failing_nodes: dict[tuple[str, str], int] = field(default_factory=dict)
    # the automation never finishes (a node hangs)
    never_finishes: bool = False
    # the stop_on_alarm alarm goes to ALARM this many seconds after the wave starts
    alarm_after_seconds: int | None = None
    # how long an installing account-region takes (default LOCATION_SECONDS)
    location_seconds: int | None = None


@dataclass
class Script:
    """What a scenario makes the fleet do, by wave name; waves not named succeed everywhere."""

    waves: dict[str, WaveScript] = field(default_factory=dict)
    # what the analysis model answers
    analysis_text: str = "The failures share one cause: the package repository was unreachable."

    def wave(self, name: str) -> WaveScript:
        return self.waves.get(name, WaveScript())
