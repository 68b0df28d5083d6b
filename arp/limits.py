"""How often one participant may save: a sliding-window limit, plain Python with an
injectable clock (the tests move time; the app uses the monotonic clock).

Keyed by the participant's browser session, never by IP address: a whole room on the
venue's wifi shares one address, and limiting it would silence the room.

Kept in the memory of each app process, not in the workshop store: a browser session lives
in one process only. Behind several replicas the proxy sends each session to the same
replica every time (sticky sessions, which Streamlit needs anyway: the session's state is
in that replica's memory), so its count is always in the process that keeps it. A replica
restarting loses its sessions, and with them the counts they would need.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimit:
    """At most `allowed` saves by one key in any `per_seconds`. Thread-safe."""

    def __init__(
        self, allowed: int, per_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if allowed < 1 or per_seconds <= 0:
            raise ValueError("a limit allows at least one save in a positive time")
        self.allowed = allowed
        self.per_seconds = per_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._saves: dict[str, deque[tuple[float, str]]] = {}
        self._last_sweep = clock()

    def request(self, key: str, token: str) -> float:
        """Count a save by `key` and return 0, or return how many seconds until it may
        save, counting nothing. A token already counted in the window (a double tap, a
        retried request: the store keeps the note once by its token) passes again without
        being counted twice."""
        with self._lock:
            now = self._clock()
            self._sweep(now)
            saves = self._saves.setdefault(key, deque())
            while saves and saves[0][0] <= now - self.per_seconds:
                saves.popleft()
            if any(counted == token for _, counted in saves):
                return 0.0
            if len(saves) >= self.allowed:
                return saves[0][0] + self.per_seconds - now
            saves.append((now, token))
            return 0.0

    def keys(self) -> int:
        """Participants with saves still inside the window (the memory the limit holds)."""
        with self._lock:
            self._sweep(self._clock(), force=True)
            return len(self._saves)

    def _sweep(self, now: float, force: bool = False) -> None:
        """Forget participants whose every save has left the window, once per window."""
        if not force and now - self._last_sweep < self.per_seconds:
            return
        self._last_sweep = now
        for key in [
            k for k, s in self._saves.items() if not s or s[-1][0] <= now - self.per_seconds
        ]:
            del self._saves[key]


def in_words(seconds: float) -> str:
    """'in 40 seconds', 'in 1 minute', 'in 3 minutes': rounded up, so never too early."""
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        return f"in {whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(whole / 60)
    return f"in {minutes} minute{'s' if minutes != 1 else ''}"
