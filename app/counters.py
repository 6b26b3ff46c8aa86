"""Where failed password checks are counted: the storage ``RATELIMIT_STORAGE_URI`` names.

Only ``app.accounts.throttle`` counts anything, with fixed windows. No route carries a limit of
its own, so nothing runs on every request: Flask-Limiter, used for this before, spent about a
third of a millisecond of every page in before- and after-request hooks finding no limit.
"""

from __future__ import annotations

from flask import Flask
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter


class Counters:
    """Bound to the storage of the app last built (tests build several, one after another)."""

    storage: Storage
    limiter: FixedWindowRateLimiter

    def init_app(self, app: Flask) -> None:
        self.storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
        self.limiter = FixedWindowRateLimiter(self.storage)

    def reset(self) -> None:
        """Forget every count (tests start each from nothing)."""
        self.storage.reset()
