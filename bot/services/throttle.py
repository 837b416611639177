"""How fast updates may come (#12): token buckets, one per person and one per group chat.

Pure bookkeeping on a monotonic clock, no Telegram and no database: bot.app.processor asks
`check` before an update takes a worker or opens a transaction, and handlers/flood.py tells
the person when they went over.

**Per person** (bot.services.settings: CHIBO_FLOOD_BURST, CHIBO_FLOOD_PER_MINUTE), from what a
fast person does. The longest run of updates a secretary sends is logging a meeting: four to
reach the attendance screen (/start, 📝 Ghi sinh hoạt, the type, the date), two taps per absent
member (the name, then the choice: #15), two to confirm and save, each answered (the screen
redrawn) before the next. Marking a whole 30-member roster absent with no pause at all is 66
updates; a burst of 70 lets all of them through even if they came in the same instant. A
person reading each screen taps one to three times a second for a few seconds, then reads; 120
a minute (2 a second, sustained) is more than anybody keeps up. A pasted list is one update;
an album or a forwarded batch at most 10 at once. A script gets 70 updates and then 2 a
second: the rest is dropped unread.

**Per group chat** (GROUP_BURST, GROUP_PER_MINUTE): Telegram lets a bot send at most 20
messages a minute in one group, and nearly every update in a group is answered there. More
than that from one group only queues answers behind Telegram's limit (PTB's rate limiter
waits them out), each holding one of the few workers for seconds meanwhile: on SQLite, the
only one. So a group gets 10 at once and 20 a minute, which covers admins opening a report
together (/baocao and three buttons each).
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
GROUP_BURST = 10
GROUP_PER_MINUTE = 20  # Telegram's limit of messages a minute in one group


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


class Throttle:
    """A bucket of `burst` updates per key (a user's or a group's id), refilled at
    `per_minute` a minute."""

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

    def check(self, key: int, *, button: bool) -> Verdict:
        """Take one update's token from `key`'s bucket; what to do with the update."""
        now = self.clock()
        self._checks += 1
        if self._checks % SWEEP_EVERY == 0:
            self._sweep(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
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
            key: b
            for key, b in self._buckets.items()
            if now < b.quiet_until or now - b.stamp < refill
        }

    def __len__(self) -> int:
        return len(self._buckets)
