"""The synthetic organization and fleet the scripted SSM runs against, and what a scenario scripts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Member accounts behind every OU (and the root) of a policy: enough to make percentages and
# counts differ, small enough to read in a failure message.
ACCOUNTS_PER_OU = 2
# Managed nodes in every account-region that a wave's tags select.
NODES_PER_LOCATION = 4
# Virtual time the wave runbook takes on one node that installs, and on one that only scans (a
# dry run, or a node starting past the wave's deadline).
NODE_INSTALL_SECONDS = 300
NODE_SCAN_SECONDS = 60


def ou_accounts(ou: str) -> list[str]:
    """The member accounts of an OU (or root): fixed, derived from its id."""
    digest = hashlib.sha256(ou.encode()).hexdigest()
    return [f"5{int(digest[i * 8:(i + 1) * 8], 16) % 10**11:011d}" for i in range(ACCOUNTS_PER_OU)]


def node_ids(account: str, region: str, count: int | None = None) -> list[str]:
    """The managed nodes of an account-region: fixed ids derived from it."""
    ids = []
    for i in range(count or NODES_PER_LOCATION):
        digest = hashlib.sha256(f"{account}/{region}/{i}".encode()).hexdigest()
        ids.append(f"i-{digest[:17]}")
    return ids


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
    # how long the runbook takes on a node that installs (default NODE_INSTALL_SECONDS)
    node_seconds: int | None = None
    # managed nodes per account-region (default NODES_PER_LOCATION)
    nodes_per_location: int | None = None


@dataclass
class Script:
    """What a scenario makes the fleet do, by wave name; waves not named succeed everywhere."""

    waves: dict[str, WaveScript] = field(default_factory=dict)
    # what the analysis model answers
    analysis_text: str = "The failures share one cause: the package repository was unreachable."

    def wave(self, name: str) -> WaveScript:
        return self.waves.get(name, WaveScript())
