"""A virtual clock: Wait states, retries, task timeouts and $now() follow it; nothing sleeps for real."""

from __future__ import annotations

import datetime as _dt
import threading

# How often a blocked waiter looks at the clock again (real seconds). Only the wake-up latency of
# a waiter depends on it, never a duration the state machine sees.
TICK_SECONDS = 0.002


class VirtualClock:
    """Milliseconds since the epoch, moved forward only by advance()."""

    def __init__(self, start: _dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock starts at an aware datetime")
        self._ms = int(start.timestamp() * 1000)
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            return self._ms

    def now(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self.now_ms() / 1000, tz=_dt.timezone.utc)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time does not go back")
        with self._lock:
            self._ms += int(round(seconds * 1000))

    def set(self, when: _dt.datetime) -> None:
        """Jump to a later instant (used between scenarios)."""
        target = int(when.timestamp() * 1000)
        with self._lock:
            if target < self._ms:
                raise ValueError("time does not go back")
            self._ms = target

    def wait(self, event: threading.Event, timeout_seconds: float | None) -> bool:
        """Block until `event` is set or the clock passes now + timeout; whether it was set."""
        if timeout_seconds is None:
            event.wait()
            return True
        deadline = self.now_ms() + int(round(timeout_seconds * 1000))
        while not event.wait(TICK_SECONDS):
            if self.now_ms() >= deadline:
                return event.is_set()
        return True


def aws_timestamp(moment: _dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds and Z, as Step Functions writes context times."""
    moment = moment.astimezone(_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
