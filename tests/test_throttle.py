"""The per-person update budget (#12): bot.services.throttle.Throttle, on a clock the test moves."""

from __future__ import annotations

import pytest

from bot.services.throttle import ANSWERS, NOTICE_EVERY, SWEEP_EVERY, Throttle, Verdict


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_one_notice_then_silence() -> None:
    clock = Ticks()
    throttle = Throttle(40, 120, clock=clock)
    verdicts = [throttle.check(7, button=False) for _ in range(50)]
    assert verdicts[:40] == [Verdict.PASS] * 40
    assert verdicts[40:] == [Verdict.NOTICE] + [Verdict.DROP] * 9
    # Someone else has a bucket of their own.
    assert throttle.check(8, button=False) is Verdict.PASS


def test_refill_at_the_rate_and_never_above_the_burst() -> None:
    clock = Ticks()
    throttle = Throttle(3, 60, clock=clock)  # one a second
    assert [throttle.check(1, button=False) for _ in range(4)] == [
        Verdict.PASS,
        Verdict.PASS,
        Verdict.PASS,
        Verdict.NOTICE,
    ]
    clock.now += 1.0
    assert throttle.check(1, button=False) is Verdict.PASS
    assert throttle.check(1, button=False) is Verdict.DROP  # quiet: the notice was just sent
    clock.now += 3600  # an hour idle refills to the burst, not to 3,600
    assert [throttle.check(1, button=False) for _ in range(3)] == [Verdict.PASS] * 3
    assert throttle.check(1, button=False) is Verdict.NOTICE  # the quiet time is over


def test_one_notice_per_cooldown() -> None:
    clock = Ticks()
    throttle = Throttle(1, 1, clock=clock)
    assert throttle.check(1, button=False) is Verdict.PASS
    assert throttle.check(1, button=False) is Verdict.NOTICE
    clock.now += NOTICE_EVERY - 1  # half a token has come back: still over, and still quiet
    assert throttle.check(1, button=False) is Verdict.DROP
    clock.now += 1
    assert throttle.check(1, button=False) is Verdict.NOTICE


def test_button_presses_over_the_budget_get_a_few_empty_answers() -> None:
    """The first press over gets the notice (a toast), the next ANSWERS only stop their
    spinner, the rest cost no Bot API call at all."""
    clock = Ticks()
    throttle = Throttle(2, 60, clock=clock)
    verdicts = [throttle.check(1, button=True) for _ in range(2 + 1 + ANSWERS + 5)]
    assert verdicts == (
        [Verdict.PASS] * 2 + [Verdict.NOTICE] + [Verdict.ANSWER] * ANSWERS + [Verdict.DROP] * 5
    )


def test_memory_is_bounded_by_the_recently_active() -> None:
    """A flood from ever new ids (one update each) does not keep a bucket per id forever."""
    clock = Ticks()
    throttle = Throttle(40, 120, clock=clock)
    for user in range(SWEEP_EVERY - 1):
        throttle.check(user, button=False)
    assert len(throttle) == SWEEP_EVERY - 1
    clock.now += 40 / 2  # the burst refilled at 2 a second: every bucket is full again
    throttle.check(10**9, button=False)  # the SWEEP_EVERY-th check sweeps
    assert len(throttle) == 1
    assert throttle.check(5, button=False) is Verdict.PASS  # a forgotten person starts full


@pytest.mark.parametrize(("burst", "per_minute"), [(0, 120), (40, 0)])
def test_nonsense_budgets_are_refused(burst: int, per_minute: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Throttle(burst, per_minute)
