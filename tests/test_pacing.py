"""The pace of one token's requests (wizard/core/pacing.py), on virtual time: the budget holds in every minute,
and a pause holds every worker."""

from __future__ import annotations

import threading

import pytest

from wizard.core.clock import CLOCK
from wizard.core.pacing import MARGIN_S, WINDOW_S, Pacer

# What falls in a window depends on the time between two writes: only the waits move the time here.
pytestmark = pytest.mark.frozen_time


def test_writes_never_exceed_the_budget_in_any_minute_across_workers() -> None:
    pacer = Pacer(10)
    sent: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(15):
            pacer.before_write()
            with lock:
                sent.append(CLOCK.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    sent.sort()
    assert len(sent) == 60 and pacer.stats.writes == 60
    for i, at in enumerate(sent):
        in_window = [t for t in sent[i:] if t - at < WINDOW_S]
        assert len(in_window) <= 10, f"{len(in_window)} writes within a minute from {at}"
    assert pacer.stats.budget_waits > 0
    assert sent[-1] - sent[0] >= (60 - 10) / 10 * WINDOW_S  # five more minutes' budgets were waited for


def test_a_pause_holds_reads_and_writes_until_it_ends() -> None:
    pacer = Pacer(80)
    start = CLOCK.monotonic()
    pacer.pause(30)
    pacer.before_read()
    assert CLOCK.monotonic() - start >= 30
    pacer.pause(10)
    before = CLOCK.monotonic()
    pacer.before_write()
    assert CLOCK.monotonic() - before >= 10 and pacer.stats.pauses == 2


def test_the_expected_time_is_the_writes_over_the_budget() -> None:
    pacer = Pacer(80)
    assert pacer.expected_seconds(80) == 0
    assert pacer.expected_seconds(240) == 2 * (WINDOW_S + MARGIN_S)


def test_the_pacer_says_when_its_budget_changes_and_how_it_stands() -> None:
    pacer = Pacer(2)
    heard: list[tuple[int, int, float]] = []

    def listener() -> None:
        now = pacer.now()
        heard.append((now.writes, now.writes_last_minute, round(now.paused_for_s)))

    pacer.subscribe(listener)
    pacer.before_write()
    pacer.before_write()
    assert heard == [(1, 1, 0), (2, 2, 0)]
    assert pacer.eta_seconds(2) == 2 / 2 * (WINDOW_S + MARGIN_S)  # no room left in this minute
    pacer.pause(30)
    assert heard[-1] == (2, 2, 30) and pacer.now().paused_for_s > 29
    assert pacer.eta_seconds(0) == pytest.approx(30, abs=0.5)  # a pause comes before anything
    pacer.before_write()  # waits out the pause, then the window: the listener hears each wait begin
    assert heard[-1][0] == 3 and len(heard) >= 5 and pacer.now().writes_last_minute == 1
