"""Telegram's flood limits, as the fake enforces them (on by default).

What Telegram says (Bots FAQ, "My bot is hitting limits, how do I avoid this?",
https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): in one chat,
avoid more than one message per second, "short bursts" may go over it but eventually answer
429; bulk notifications may not exceed "30 messages per second or so"; a bot "will not be able
to send more than 20 messages per minute to the same group". Telegram does not publish the
algorithm (PTB's wiki, "Avoiding flood limits": the limits are not documented precisely). Its
developers add that sending and editing share the limits, about 20 edits a minute in a group
(tdlib/td#2592, #3034; tdlib/telegram-bot-api#648), and that answerCallbackQuery is not
limited. Every 429 carries ``parameters.retry_after`` (whole seconds), as here.

What the fake models, counting message sends and edits (:data:`COUNTED`; chat actions, callback
answers and reads are not messages and are not counted), accepted calls only:

* **overall**: at most :data:`OVERALL_PER_SECOND` in any sliding second, all chats together;
* **per group** (a negative chat id or an ``@username``: groups, supergroups, channels): at most
  :data:`GROUP_PER_MINUTE` in any sliding 60 seconds. This is the FAQ taken literally; PTB's
  ``AIORateLimiter`` paces groups with a leaky bucket (20 at once, then one every 3 s), which
  can exceed it: its 21st message within a minute gets 429 here and is retried;
* **per private chat**: a token bucket of :data:`PRIVATE_BURST` messages refilled at
  :data:`PRIVATE_PER_SECOND` ("short bursts", then about one a second). A played user's own
  action (a message or a button press in their chat) also refills :data:`HUMAN_PAUSE` tokens:
  a test plays a person far faster than a person taps, and a person takes at least that long
  to read a reply and act. So a reply plus an edit per tap passes at any speed, while a bot
  that sends more than a burst to one chat on its own (a loop, a flood of reminders) gets 429.

Time is :class:`RateClock`: real (monotonic) time × ``time_scale`` (1, Telegram's time, by
default; flow tests run it and chibo's limiter together 20 times faster, tests/auxil/botenv.py), plus
the time a test skipped by moving the fake's date clock forward (``env.clock.advance(days=1)``
is a day for the limits too: skipped time only makes them more lenient). ``retry_after`` is in
real seconds, what a limiter sleeps.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
PRIVATE_BURST = 10
PRIVATE_PER_SECOND = 1.0
HUMAN_PAUSE = 2.0  # seconds a person takes between two actions, at the least

# What Telegram checks of each message (the server answers 400 past them).
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8
INLINE_BUTTON_LIMIT = 100
CALLBACK_ANSWER_LIMIT = 200
UPLOAD_LIMIT = 50 * 1024 * 1024

#: Methods that count as "sends" for the flood limits and :attr:`FakeTelegram.stats`.

COUNTED = frozenset(
    m.lower()
    for m in (
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    )
)


class RateClock:
    """Seconds for the limits: real time × ``scale``, plus the time the date clock was moved
    ahead of that."""

    def __init__(
        self,
        date_clock: Callable[[], float],
        scale: float = 1.0,
        real: Callable[[], float] = time.monotonic,
    ) -> None:
        self._date, self._real, self.scale = date_clock, real, scale
        self._last_date, self._last_real = date_clock(), real()
        self.skipped = 0.0

    def __call__(self) -> float:
        date, real = self._date(), self._real()
        ahead = (date - self._last_date) - (real - self._last_real) * self.scale
        if ahead > 0:  # a test moved the clock on (moving it back gives no time back)
            self.skipped += ahead
        self._last_date, self._last_real = date, real
        return real * self.scale + self.skipped


def retry_seconds(seconds: float) -> int:
    """Telegram's retry_after: whole seconds, at least one."""
    return max(1, int(-(-seconds // 1)))


@dataclass
class _Window:
    """At most ``limit`` events in any sliding ``seconds``."""

    limit: float
    seconds: float
    stamps: list[float] = field(default_factory=list)

    def wait(self, now: float) -> float | None:
        self.stamps[:] = [t for t in self.stamps if t > now - self.seconds]
        if len(self.stamps) < self.limit:
            return None
        return self.stamps[0] + self.seconds - now

    def add(self, now: float) -> None:
        self.stamps.append(now)


@dataclass
class _Bucket:
    """``capacity`` tokens, refilled at ``rate`` a second; a message takes one."""

    capacity: float
    rate: float
    tokens: float
    at: float

    def _refill(self, now: float, extra: float = 0.0) -> None:
        elapsed = max(0.0, now - self.at)  # an injected clock may go back
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate + extra)
        self.at = max(self.at, now)

    def wait(self, now: float) -> float | None:
        self._refill(now)
        return None if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def add(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def pause(self, now: float, seconds: float) -> None:
        self._refill(now, seconds * self.rate)


ChatKey = int | str


class FloodControl:
    """The three limits above, on ``clock``; ``None`` switches one off. ``time_scale`` is how
    many of the clock's seconds pass in a real one (retry_after is in real seconds)."""

    def __init__(
        self,
        clock: Callable[[], float],
        per_second: float | None = OVERALL_PER_SECOND,
        per_group_per_minute: float | None = GROUP_PER_MINUTE,
        private_burst: float | None = PRIVATE_BURST,
        private_per_second: float = PRIVATE_PER_SECOND,
        time_scale: float = 1.0,
    ) -> None:
        self.clock, self.time_scale = clock, time_scale
        self.per_second, self.per_group_per_minute = per_second, per_group_per_minute
        self.private_burst, self.private_per_second = private_burst, private_per_second
        self._overall = None if per_second is None else _Window(per_second, 1.0)
        self._groups: dict[ChatKey, _Window] = {}
        self._private: dict[int, _Bucket] = {}

    def _limits(self, chat: ChatKey | None, now: float) -> list[_Window | _Bucket]:
        found: list[_Window | _Bucket] = [] if self._overall is None else [self._overall]
        if isinstance(chat, str) or (chat is not None and chat < 0):  # groups and channels
            if self.per_group_per_minute is not None:
                window = _Window(self.per_group_per_minute, 60.0)
                found.append(self._groups.setdefault(chat, window))
        elif chat is not None and self.private_burst is not None:
            found.append(self._bucket(chat, now))
        return found

    def _bucket(self, chat: int, now: float) -> _Bucket:
        if chat not in self._private:
            assert self.private_burst is not None
            burst, rate = self.private_burst, self.private_per_second
            self._private[chat] = _Bucket(burst, rate, burst, now)
        return self._private[chat]

    def retry_after(self, chat: ChatKey | None) -> int | None:
        """Seconds to wait before a message to ``chat`` may go, or None if it may go now."""
        now = self.clock()
        waits = [w for limit in self._limits(chat, now) if (w := limit.wait(now)) is not None]
        return retry_seconds(max(waits) / self.time_scale) if waits else None

    def record(self, chat: ChatKey | None) -> None:
        now = self.clock()
        for limit in self._limits(chat, now):
            limit.add(now)

    def user_acted(self, chat: int) -> None:
        """A played user wrote or pressed a button in their private chat (see HUMAN_PAUSE)."""
        if chat > 0 and self.private_burst is not None:
            now = self.clock()
            self._bucket(chat, now).pause(now, HUMAN_PAUSE)
