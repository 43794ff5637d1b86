"""A short load test: three tablets save for 30 s while the projector watches the gallery.

The full run is ``bench/load_test.py --tablets 10 --minutes 3``. Playwright's async API
runs in its own thread, apart from pytest-playwright's sync one.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from bench.load_test import LoadReport, make_session, run_load
from tests.e2e.conftest import SECRET

pytestmark = pytest.mark.e2e
TABLETS = 3
SECONDS = 30
#: The projector shows every team's latest version within this many seconds of the tablet.
GALLERY_WITHIN_S = 10


def run_in_own_thread(coroutine_factory) -> LoadReport:
    """Run an asyncio coroutine in a fresh thread (no event loop of pytest's in the way)."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["report"] = asyncio.run(coroutine_factory())
        except BaseException as err:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = err

    thread = threading.Thread(target=target, name="load-test")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["report"]


def test_three_tablets_for_thirty_seconds_lose_nothing(server, browser_type_launch_args):
    base_url, store = server
    session = make_session(store, TABLETS, title="e2e-load")
    report = run_in_own_thread(
        lambda: run_load(
            base_url,
            store,
            session,
            seconds=SECONDS,
            launch_args={**browser_type_launch_args, "headless": True},
            secret=SECRET,
            progress=lambda _: None,
        )
    )
    print(report.summary())
    assert report.versions_lost == 0, report.problems
    assert report.versions_torn == 0, report.problems
    assert report.version_gaps == 0, report.problems
    assert report.saves_confirmed >= TABLETS * 3, report.summary()  # every tablet kept saving
    assert report.versions_on_disk == report.saves_confirmed
    assert report.maps_vanished == 0, report.summary()  # the map stays on every tablet after each save
    assert set(report.latest_seen_by_projector_within_s) == {team.id for team in session.teams}
    for team, seconds in report.latest_seen_by_projector_within_s.items():
        assert seconds <= GALLERY_WITHIN_S, (team, seconds, report.summary())
