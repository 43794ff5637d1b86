"""Load test: N tablets draw and save for a while; the projector watches the gallery.

A real Streamlit server on localhost, one headless Chromium, one browser context per
tablet (iPad Pro 11, touch), driven concurrently with Playwright's async API. Each tablet
places amenities with the marker tool, one save per amenity, and notes the time its save
status shows "версия N". The projector (facilitator link, "Проектор", the session,
"Галерея") notes when each team's card first shows "Версия N".

Reported: saves attempted, saves confirmed on the tablets, versions stored on disk,
versions lost (confirmed on a tablet but missing or unreadable on disk) and torn (files
that do not parse), the save-to-gallery latency (median, 95th percentile, maximum), the
server's peak memory (RSS of its process group, from /proc), and how often a tablet's map
vanished from its page (the tablet then reloads the page, as a person would).

Run: ``.venv/bin/python bench/load_test.py --tablets 10 --minutes 3 [--json figures.json] [--keep DIR]``
(``--keep`` keeps the sessions, the server log and screenshots of stuck tablets in DIR).
The exit code is 1 when a version was lost or torn.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playwright.async_api import Page, async_playwright  # noqa: E402
from playwright.async_api import TimeoutError as PlaywrightTimeoutError  # noqa: E402

from codesign.domain.access import join_link  # noqa: E402
from codesign.domain.concept import concept_from_geojson  # noqa: E402
from codesign.domain.session import Session  # noqa: E402
from codesign.storage.files import FileStore
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.serve import running_app  # noqa: E402

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SITE = "aksu-city-square"
#: Where on the map a tablet places amenities (share of the map's width and height): inside the site.
TAP_AREA = ((0.38, 0.62), (0.40, 0.62))
#: How long a tablet waits for its save status to show the new version.
SAVE_TIMEOUT_MS = 45_000
#: A map (drawing tool) missing from the page this long counts as vanished; the tablet reloads the page.
MAP_GONE_AFTER_MS = 20_000

# Run in the tablet page: the highest "версия N" in the save status, with the browser's clock.
_SAVE_STATUS_JS = """(wanted) => {
  let best = 0, failed = false;
  for (const el of document.querySelectorAll('.st-key-save_status')) {
    const text = el.textContent || '';
    for (const m of text.matchAll(/версия (\\d+)/g)) { best = Math.max(best, Number(m[1])); }
    if (/Не удалось|Другой планшет/.test(text)) { failed = true; }
  }
  return (best >= wanted || failed) ? {version: best, at: Date.now(), failed: failed} : false;
}"""

# Run once in the projector page: every 50 ms, note when each card first shows "Версия N".
_GALLERY_WATCH_JS = """() => {
  if (window.__gallerySeen) { return; }
  window.__gallerySeen = {};
  setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll('[class*="st-key-gallery_"]')) {
      const key = /st-key-gallery_([a-z0-9-]+)/.exec(el.className);
      if (!key) { continue; }
      const seen = window.__gallerySeen[key[1]] = window.__gallerySeen[key[1]] || {};
      for (const m of (el.textContent || '').matchAll(/Версия (\\d+)/g)) {
        if (!(m[1] in seen)) { seen[m[1]] = now; }
      }
    }
  }, 50);
}"""


@dataclass
class TabletLog:
    """What one tablet did: taps, and when (ms, browser clock) it saw each version confirmed."""

    team: str
    attempted: int = 0
    confirmed_at: dict[int, float] = field(default_factory=dict)
    tap_to_saved_ms: list[float] = field(default_factory=list)
    unconfirmed: int = 0
    maps_vanished: int = 0
    failures: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


@dataclass
class LoadReport:
    """The figures of one load-test run."""

    tablets: int
    seconds: float
    saves_attempted: int
    saves_confirmed: int
    versions_on_disk: int
    versions_lost: int
    versions_torn: int
    version_gaps: int
    unconfirmed_taps: int
    maps_vanished: int
    latency_samples: int
    latency_p50_s: float
    latency_p95_s: float
    latency_max_s: float
    latest_seen_by_projector_within_s: dict[str, float]
    last_version_by_team: dict[str, dict[str, int]]
    not_seen_by_projector: int
    tap_to_saved_p50_s: float
    tap_to_saved_p95_s: float
    server_rss_start_mb: float
    server_rss_peak_mb: float
    machine_load_peak: float
    cpus: int
    problems: list[str]

    def summary(self) -> str:
        """The figures as readable lines."""
        return "\n".join(
            [
                f"tablets: {self.tablets}, duration {self.seconds:.0f} s",
                f"saves attempted: {self.saves_attempted}, confirmed on tablets: {self.saves_confirmed}, "
                f"unconfirmed taps: {self.unconfirmed_taps}, maps vanished (page reloaded): {self.maps_vanished}",
                f"versions on disk: {self.versions_on_disk}, lost: {self.versions_lost}, torn: {self.versions_torn}, "
                f"gaps: {self.version_gaps}",
                f"save-to-gallery latency: median {self.latency_p50_s:.2f} s, p95 {self.latency_p95_s:.2f} s, "
                f"max {self.latency_max_s:.2f} s ({self.latency_samples} saves, "
                f"{self.not_seen_by_projector} never shown)",
                f"tap-to-saved on the tablet: median {self.tap_to_saved_p50_s:.2f} s, "
                f"p95 {self.tap_to_saved_p95_s:.2f} s",
                f"server RSS: {self.server_rss_start_mb:.0f} MB at start, peak {self.server_rss_peak_mb:.0f} MB",
                f"machine: {self.cpus} CPUs, peak 1-minute load average {self.machine_load_peak:.1f} "
                "(the tablets' Chromium runs on the same machine)",
                *(f"problem: {p}" for p in self.problems),
            ]
        )


# ----------------------------------------------------------------------------- server memory


def server_process_group(port: int) -> int | None:
    """The process group of the Streamlit server listening on ``port`` (found in /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and b"--server.port" in args:
            index = args.index(b"--server.port")
            if index + 1 < len(args) and args[index + 1] == str(port).encode():
                return os.getpgid(int(entry.name))
    return None


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in the group, in MB (VmRSS from /proc/<pid>/status)."""
    total_kb = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            status = (entry / "status").read_text()
        except (OSError, ProcessLookupError):
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            total_kb += int(match.group(1))
    return total_kb / 1024


class MemorySampler:
    """Samples the server's RSS every half second while the test runs."""

    def __init__(self, port: int | None) -> None:
        self.pgid = server_process_group(port) if port else None
        self.start = group_rss_mb(self.pgid) if self.pgid else math.nan
        self.peak = self.start
        self.load_peak = os.getloadavg()[0]

    async def run(self, stop: asyncio.Event) -> None:
        while self.pgid is not None and not stop.is_set():
            self.peak = max(self.peak, group_rss_mb(self.pgid))
            self.load_peak = max(self.load_peak, os.getloadavg()[0])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)


# ----------------------------------------------------------------------------- browsers


async def open_projector(browser: Any, base_url: str, secret: str, session: Session) -> Page:
    """The facilitator's laptop on the projector, showing the session's gallery."""
    page = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    await page.goto(f"{base_url}/?key={secret}", timeout=120_000)
    await page.get_by_role("link", name="Проектор").click(timeout=120_000)
    combo = page.get_by_role("combobox", name="Сессия")
    for attempt in range(4):  # a rerun may close the list under the click on a busy machine: open it again
        await combo.click(timeout=120_000)
        try:
            await page.get_by_role("option", name=re.compile(re.escape(session.title))).first.click(timeout=15_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 3:
                raise
            await page.keyboard.press("Escape")
    await page.get_by_text(session.teams[0].name, exact=True).first.wait_for(timeout=120_000)
    await page.get_by_text("Галерея", exact=True).first.click(timeout=60_000)
    await page.locator(f".st-key-gallery_{session.teams[0].id}").wait_for(timeout=120_000)
    await page.evaluate(_GALLERY_WATCH_JS)
    return page


async def run_tablet(
    browser: Any,
    device: Mapping[str, Any],
    url: str,
    log: TabletLog,
    deadline: float,
    think: tuple[float, float],
    evidence: Path | None = None,
    together: tuple[asyncio.Barrier, float, list[float]] | None = None,
) -> None:
    """Open the team's join link, then place amenities and wait for each save until the deadline.

    If the tablet gets stuck, a screenshot and the page's text go to ``evidence`` (if given).
    With ``together`` (a barrier, seconds, a list of start times), every tablet first opens its
    map, then all draw together for those seconds (the deadline is counted from then).
    """
    context = await browser.new_context(**device)
    page = await context.new_page()
    page.on("console", lambda message: log.console.append(f"{message.type}: {message.text}"[:300]))
    page.on("pageerror", lambda error: log.console.append(f"page error: {error}"[:300]))
    rng = random.Random(log.team)
    try:
        await page.goto(url, timeout=180_000)
        frame = page.frame_locator(MAP_FRAME)
        await frame.locator("a.leaflet-draw-draw-marker").wait_for(timeout=180_000)
        if together is not None:
            barrier, seconds, started = together
            with contextlib.suppress(asyncio.BrokenBarrierError):
                await barrier.wait()
            started.append(time.monotonic())
            deadline = started[-1] + seconds
        version = 0
        while time.monotonic() < deadline:
            marker_tool = frame.locator("a.leaflet-draw-draw-marker")
            try:
                await marker_tool.wait_for(timeout=MAP_GONE_AFTER_MS)
            except PlaywrightTimeoutError:  # the map is gone from the page: note it, reload like a person would
                log.maps_vanished += 1
                await save_evidence(page, log, evidence, f"{log.team}-map-vanished-{log.maps_vanished}")
                await page.reload(timeout=180_000)
                await marker_tool.wait_for(timeout=180_000)
            box = await frame.locator(".leaflet-container").bounding_box()
            await marker_tool.tap(timeout=60_000)
            await page.wait_for_timeout(300)  # like a person: slower than Leaflet's double-tap window
            fx, fy = rng.uniform(*TAP_AREA[0]), rng.uniform(*TAP_AREA[1])
            tapped_at = await page.evaluate("Date.now()")
            await page.touchscreen.tap(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            log.attempted += 1
            try:
                seen = await (
                    await page.wait_for_function(_SAVE_STATUS_JS, arg=version + 1, polling=50, timeout=SAVE_TIMEOUT_MS)
                ).json_value()
            except Exception as err:  # noqa: BLE001 - a slow or missed save is a figure, not a crash
                log.unconfirmed += 1
                log.failures.append(f"no save seen after {SAVE_TIMEOUT_MS / 1000:.0f} s: {str(err)[:120]}")
                continue
            if seen["failed"]:
                log.failures.append(f"save status shows a failure after version {seen['version']}")
            if seen["version"] > version:
                for number in range(version + 1, seen["version"] + 1):
                    log.confirmed_at[number] = seen["at"]
                log.tap_to_saved_ms.append(seen["at"] - tapped_at)
                version = seen["version"]
            await page.wait_for_timeout(rng.uniform(*think) * 1000)
    except Exception:
        if together is not None:
            await together[0].abort()  # the others do not wait for a tablet that never opened
        await save_evidence(page, log, evidence, f"{log.team}-stopped")
        raise
    finally:
        await context.close()


async def save_evidence(page: Page, log: TabletLog, evidence: Path | None, name: str) -> None:
    """A screenshot, the page's text and its console, when a tablet got stuck."""
    if evidence is None:
        return
    evidence.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(Exception):
        await page.screenshot(path=evidence / f"{name}.png", full_page=True)
    with contextlib.suppress(Exception):
        text = await page.locator("body").inner_text(timeout=5_000)
        frames = await page.locator(MAP_FRAME).count()
        (evidence / f"{name}.txt").write_text(
            f"map iframes: {frames}\nat {time.strftime('%H:%M:%S')}, after {len(log.confirmed_at)} saves\n\n"
            f"{text}\n\nconsole:\n" + "\n".join(log.console[-50:]),
            "utf-8",
        )


# ----------------------------------------------------------------------------- the run


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (nearest rank), NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def check_disk(store: FileStore, session: Session, logs: list[TabletLog]) -> tuple[int, int, int, int, list[str]]:
    """Versions on disk, lost, torn and gaps: every file parsed, every confirmed version found."""
    on_disk = lost = torn = gaps = 0
    problems: list[str] = []
    for log in logs:
        folder = store.root / session.id / "concepts" / log.team
        files = sorted(folder.glob("v*.geojson")) if folder.is_dir() else []
        numbers = []
        for path in files:
            number = int(path.stem[1:])
            try:
                concept = concept_from_geojson(json.loads(path.read_bytes()))
                if concept.version != number:
                    raise ValueError(f"holds version {concept.version}")
                numbers.append(number)
            except Exception as err:  # noqa: BLE001 - anything unreadable is torn
                torn += 1
                problems.append(f"{log.team}/{path.name} torn: {str(err)[:100]}")
        on_disk += len(files)
        if numbers != list(range(1, len(numbers) + 1)):
            gaps += 1
            problems.append(f"{log.team}: versions on disk are not 1..N: {numbers[:5]}...")
        damaged = [d for d in store.damaged_versions(session.id) if d[0] == log.team]
        torn += len(damaged)
        for number in sorted(set(log.confirmed_at) - set(numbers)):
            lost += 1
            problems.append(f"{log.team}: version {number} was confirmed on the tablet but is not on disk")
    return on_disk, lost, torn, gaps, problems


async def run_load(
    base_url: str,
    store: FileStore,
    session: Session,
    *,
    seconds: float,
    launch_args: Mapping[str, Any],
    secret: str,
    think: tuple[float, float] = (0.5, 1.5),
    catch_up_s: float = 15.0,
    progress: Callable[[str], None] = print,
    evidence: Path | None = None,
    check: Callable[[Session, list[TabletLog]], tuple[int, int, int, int, list[str]]] | None = None,
    all_at_once: bool = False,
) -> LoadReport:
    """Drive one tablet per team of ``session`` and the projector against a running app.

    ``check`` counts what the store kept (default: :func:`check_disk` on the sessions folder).
    With ``all_at_once``, the tablets draw for ``seconds`` from the moment every map is open
    (on a busy machine opening 20 tablets can take longer than the run itself).
    """
    memory = MemorySampler(urlparse(base_url).port)
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(memory.run(stop_sampling))
    logs = [TabletLog(team.id) for team in session.teams]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**launch_args)
        device = {k: v for k, v in pw.devices["iPad Pro 11"].items() if k != "default_browser_type"}
        progress("opening the projector")
        projector = await open_projector(browser, base_url, secret, session)
        progress(f"{len(logs)} tablets drawing for {seconds:.0f} s")
        started = time.monotonic()
        deadline = started + seconds
        tablets = []
        drawing_from: list[float] = []
        together = (asyncio.Barrier(len(logs)), seconds, drawing_from) if all_at_once else None
        for team, log in zip(session.teams, logs, strict=True):
            url = join_link(base_url, session.id, team.token)
            tablets.append(
                asyncio.create_task(run_tablet(browser, device, url, log, deadline, think, evidence, together))
            )
            await asyncio.sleep(0.5)  # tablets join one after another, as in a hall
        results = await asyncio.gather(*tablets, return_exceptions=True)
        if drawing_from:
            progress(f"every map was open after {min(drawing_from) - started:.0f} s")
        elapsed = time.monotonic() - (min(drawing_from) if drawing_from else started)
        problems = [
            f"{log.team}: tablet stopped after {len(log.confirmed_at)} saves: {r!r}"[:300]
            for log, r in zip(logs, results, strict=True)
            if r
        ]
        progress(f"tablets done after {elapsed:.0f} s; letting the projector catch up")
        gallery: dict[str, dict[str, float]] = {}
        catch_up_until = time.monotonic() + catch_up_s
        while time.monotonic() < catch_up_until:
            gallery = await projector.evaluate("window.__gallerySeen || {}")
            if all(
                max((int(v) for v in gallery.get(log.team, {})), default=0) >= max(log.confirmed_at, default=0)
                for log in logs
            ):
                break
            await asyncio.sleep(0.5)
        else:
            await save_evidence(projector, TabletLog("projector"), evidence, "projector-behind")
        await browser.close()
    stop_sampling.set()
    await sampler

    latencies: list[float] = []
    latest_within: dict[str, float] = {}
    not_seen = 0
    for log in logs:
        shown = {int(v): at for v, at in gallery.get(log.team, {}).items()}
        for number, confirmed in sorted(log.confirmed_at.items()):
            # the projector may skip a version that was replaced within one refresh: count the first card at or above it
            later = [at for v, at in shown.items() if v >= number]
            if not later:
                not_seen += 1
                continue
            latencies.append((min(later) - confirmed) / 1000)
        if log.confirmed_at:
            last = max(log.confirmed_at)
            at = min((a for v, a in shown.items() if v >= last), default=math.inf)
            latest_within[log.team] = (at - log.confirmed_at[last]) / 1000
        problems += [f"{log.team}: {f}" for f in log.failures[:5]]
    on_disk, lost, torn, gaps, disk_problems = (check or (lambda s, ls: check_disk(store, s, ls)))(session, logs)
    tap_to_saved = [ms / 1000 for log in logs for ms in log.tap_to_saved_ms]
    return LoadReport(
        tablets=len(logs),
        seconds=elapsed,
        saves_attempted=sum(log.attempted for log in logs),
        saves_confirmed=sum(len(log.confirmed_at) for log in logs),
        versions_on_disk=on_disk,
        versions_lost=lost,
        versions_torn=torn,
        version_gaps=gaps,
        unconfirmed_taps=sum(log.unconfirmed for log in logs),
        maps_vanished=sum(log.maps_vanished for log in logs),
        latency_samples=len(latencies),
        latency_p50_s=statistics.median(latencies) if latencies else math.nan,
        latency_p95_s=percentile(latencies, 0.95),
        latency_max_s=max(latencies, default=math.nan),
        latest_seen_by_projector_within_s=latest_within,
        last_version_by_team={
            log.team: {
                "tablet": max(log.confirmed_at, default=0),
                "projector": max((int(v) for v in gallery.get(log.team, {})), default=0),
            }
            for log in logs
        },
        not_seen_by_projector=not_seen,
        tap_to_saved_p50_s=statistics.median(tap_to_saved) if tap_to_saved else math.nan,
        tap_to_saved_p95_s=percentile(tap_to_saved, 0.95),
        server_rss_start_mb=memory.start,
        server_rss_peak_mb=memory.peak,
        machine_load_peak=memory.load_peak,
        cpus=os.cpu_count() or 0,
        problems=problems + disk_problems,
    )


def make_session(store: FileStore, tablets: int, title: str = "Нагрузочный тест") -> Session:
    """A session with one team per tablet."""
    return store.create_session(site=SITE, title=title, teams=[(f"Команда {i}", None) for i in range(1, tablets + 1)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), help="pause between saves, s (min max)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (sessions, server log, evidence)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"needs Chromium at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    secret = secrets.token_urlsafe(24)
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            tmp = str(args.keep)
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="codesign-load-"))
        root = Path(tmp) / "sessions"
        store = FileStore(root)
        session = make_session(store, args.tablets)
        env = {
            "CODESIGN_SESSIONS_DIR": str(root),
            "CODESIGN_FACILITATOR_SECRET": secret,
            # a served workshop does not watch its source files; a change to them mid-run would rerun every page
            "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        }
        with running_app(env, log_path=Path(tmp) / "server.log") as base_url:
            report = asyncio.run(
                run_load(
                    base_url,
                    store,
                    session,
                    seconds=args.minutes * 60,
                    launch_args={"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True},
                    secret=secret,
                    think=tuple(args.think),
                    evidence=Path(tmp) / "evidence",
                )
            )
    print(report.summary())
    if args.json:
        args.json.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2), "utf-8")
    return 0 if report.versions_lost == 0 and report.versions_torn == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
