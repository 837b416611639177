"""How fast one person may send updates (#12): a token bucket per Telegram user.

Pure bookkeeping on a monotonic clock, no Telegram and no database: bot.app's update
processor asks `check` before an update takes a worker or opens a transaction, and
handlers/flood.py tells the person when they went over.

The numbers (bot.settings, CHIBO_FLOOD_BURST and CHIBO_FLOOD_PER_MINUTE) come from what a
fast person does. The longest run of updates a secretary sends is logging a meeting: about
six to reach the attendance screen and save, plus one tap per absent member, each tap
answered (the screen redrawn) before the next. Tapping a whole 30-member roster with nobody
waiting for anything is 36 updates; a burst of 40 lets all of them through even if they came
in the same instant. A person reading each screen taps one to three times a second for a few
seconds, then reads; 120 a minute (2 a second, sustained) is more than anybody keeps up. A
pasted list is one update; an album or a forwarded batch is at most 10 at once. A script
gets 40 updates and then 2 a second: everything else it sends is dropped unread.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

# After a notice the person gets no other for this long: one short notice, not one per tap.
NOTICE_EVERY = 30.0  # seconds
# Button presses over the budget after the notice get an empty answer (the spinner stops) up
# to this many per NOTICE_EVERY; beyond that they are not answered at all, so a script pressing
# buttons costs at most 1 + ANSWERS Bot API calls a cooldown (the client stops its spinner by
# itself after a few seconds). A person who went a little too fast never sees a hanging button.
ANSWERS = 10
# Forget people whose bucket has been full again for this long (memory stays bounded by the
# people active in the last minute or so, however many ids a flood uses).
SWEEP_EVERY = 1024  # checks between sweeps


class Verdict(enum.Enum):
    PASS = "pass"  # within the budget: handle it
    NOTICE = "notice"  # over: drop it, tell the person (once per NOTICE_EVERY)
    ANSWER = "answer"  # over, a button press: drop it, stop its spinner without a word
    DROP = "drop"  # over: drop it without a word


@dataclass
class _Bucket:
    tokens: float
    stamp: float  # when `tokens` was last brought up to date
    quiet_until: float = float("-inf")  # no notice before this
    answers: int = 0  # empty answers left until quiet_until


class UserThrottle:
    """A bucket of `burst` updates per user, refilled at `per_minute` a minute."""

    def __init__(
        self, burst: int, per_minute: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if burst < 1 or per_minute < 1:
            raise ValueError("burst and per_minute must be at least 1")
        self.burst, self.per_minute = burst, per_minute
        self.per_second = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._checks = 0

    def check(self, user_id: int, *, button: bool) -> Verdict:
        """Take one update's token from `user_id`'s bucket; what to do with the update."""
        now = self.clock()
        self._checks += 1
        if self._checks % SWEEP_EVERY == 0:
            self._sweep(now)
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        else:
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
            bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.PASS
        if now >= bucket.quiet_until:
            bucket.quiet_until = now + NOTICE_EVERY
            bucket.answers = ANSWERS
            return Verdict.NOTICE
        if button and bucket.answers > 0:
            bucket.answers -= 1
            return Verdict.ANSWER
        return Verdict.DROP

    def _sweep(self, now: float) -> None:
        """Drop the buckets that would be full by now and owe no quiet time: a new bucket
        for the same person starts full, which is the same thing."""
        refill = self.burst / self.per_second
        self._buckets = {
            user: b
            for user, b in self._buckets.items()
            if now < b.quiet_until or now - b.stamp < refill
        }

    def __len__(self) -> int:
        return len(self._buckets)
