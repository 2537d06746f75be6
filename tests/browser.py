"""Open local pages in headless Chromium and report what a reader would see.

``open_pages(urls)`` starts one headless Chromium (Debian's ``chromium`` package; ``.ci/run``
installs it where it is absent), drives it through the Chrome DevTools protocol, and for each
page returns a [`Rendered`][tests.browser.Rendered]: the rendered text, the console errors
(console.error calls, uncaught exceptions, browser log errors), the failed network requests,
every URL requested, and a full-page screenshot written under ``build/screenshots/`` (printed,
so a developer can look at it).

With ``offline=True`` (the default) every host name but ``localhost``/``127.0.0.1`` fails
to resolve, as on a machine without a network: a page that needs a CDN shows it as a failed
request.

Use from a test::

    from browser import chromium_or_skip, open_pages

    browser = chromium_or_skip()
    (page,) = open_pages([path.as_uri()], browser=browser, name="report")
    assert not page.console_errors and not page.failed_requests
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
)
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable: ``$CHROMIUM`` if set, else the first on PATH."""
    given = os.environ.get("CHROMIUM")
    if given:
        return given
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_or_skip() -> str:
    """The browser, or skip the test saying why (only where no browser can be installed)."""
    found = find_chromium()
    if found is None:
        pytest.skip(
            "no Chromium on this machine: install Debian's chromium package "
            "(apt-get install -y chromium; .ci/run does) or set CHROMIUM"
        )
    return found


@dataclass
class Rendered:
    """What one page showed in the browser."""

    url: str
    text: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    value: Any = None
    #: Whether the ``wait`` expression became true before the timeout.
    ready: bool = True

    def foreign_requests(self, *allowed_prefixes: str) -> list[str]:
        """Requested URLs that start with none of ``allowed_prefixes`` (``data:`` allowed)."""
        ok = ("data:", "about:", "blob:", *allowed_prefixes)
        return [url for url in self.requests if not url.startswith(ok)]


class _DevTools:
    """A minimal Chrome DevTools protocol client over one browser websocket."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def send(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"id": next(self._ids), "method": method}
        message["params"] = params or {}
        if session is not None:
            message["sessionId"] = session
        self._ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self._ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]
            self.events.append(reply)

    def wait_for(self, method: str, *, timeout: float = 30.0) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(index)
        deadline = time.monotonic() + timeout
        while True:
            event = json.loads(self._ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if event.get("method") == method:
                return event  # type: ignore[no-any-return]
            self.events.append(event)

    def drain(self, seconds: float) -> None:
        """Collect the events that arrive within ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self._ws.recv(timeout=left)))
            except TimeoutError:
                return


@contextlib.contextmanager
def _browser(executable: str, offline: bool) -> Iterator[_DevTools]:
    from websockets.sync.client import connect

    # Chromium's helper processes may still write to the profile as the browser exits.
    with tempfile.TemporaryDirectory(
        prefix="narcometrics-chromium-", ignore_cleanup_errors=True
    ) as profile:
        flags = [*FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0"]
        if offline:
            flags.append(OFFLINE)
        process = subprocess.Popen(
            [executable, *flags, "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            active = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not (active.exists() and len(active.read_text().split()) >= 2):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{executable} did not start (exit {process.poll()})")
                time.sleep(0.05)
            port, path = active.read_text().split()[:2]
            url = f"ws://127.0.0.1:{port}{path}"
            with connect(url, max_size=64 * 2**20, open_timeout=30) as ws:
                tools = _DevTools(ws)
                try:
                    yield tools
                finally:
                    with contextlib.suppress(Exception):
                        tools.send("Browser.close", timeout=10)
        finally:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:  # pragma: no cover
                    process.kill()
                    process.wait()


def _errors(events: list[dict[str, Any]], session: str) -> tuple[list[str], list[str], list[str]]:
    console, failed, requests = [], [], []
    urls: dict[str, str] = {}
    for event in events:
        if event.get("sessionId") != session:
            continue
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = params.get("args", [])
            console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            exception = details.get("exception", {})
            console.append(str(exception.get("description") or details.get("text")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            console.append(f"{entry.get('text')} ({entry.get('url', '')})")
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            requests.append(url)
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            url = urls.get(params["requestId"], "?")
            failed.append(f"{url}: {params.get('errorText')}")
        elif method == "Network.responseReceived":
            status = int(params["response"].get("status", 0))
            if status >= 400:
                failed.append(f"{params['response']['url']}: HTTP {status}")
    return console, failed, requests


def open_pages(
    urls: Sequence[str],
    *,
    browser: str,
    name: str = "page",
    wait: str | None = None,
    evaluate: str | None = None,
    offline: bool = True,
    width: int = 1200,
    full_page: bool = True,
    settle: float = 0.3,
    timeout: float = 20.0,
) -> list[Rendered]:
    """Open each URL in one headless Chromium and report what it rendered.

    Parameters
    ----------
    urls : sequence of str
        ``file://`` or ``http://127.0.0.1:...`` URLs.
    browser : str
        The executable (see `chromium_or_skip`).
    name : str
        Screenshots are ``build/screenshots/<name>-<i>.png``.
    wait : str, optional
        A JavaScript expression (a promise is awaited) that is truthy once the page is
        ready, polled after the load event (e.g. MathJax's ``startup.promise``); when it
        never does, ``Rendered.ready`` is False (and ``evaluate`` is not run).
    evaluate : str, optional
        A JavaScript expression whose value is returned as ``Rendered.value``.
    offline : bool
        Fail every host name lookup but localhost.
    width : int [CSS px]
        Viewport width (the height is 900 px).
    full_page : bool
        Screenshot the whole page height (up to 12,000 px) rather than the first screen.
    settle : float [s]
        Time after ``wait`` to collect late console messages and requests.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    out: list[Rendered] = []
    with _browser(browser, offline) as tools:
        for index, url in enumerate(urls):
            target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for domain in ("Page", "Runtime", "Log", "Network"):
                tools.send(f"{domain}.enable", session=session)
            tools.send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            tools.send("Page.navigate", {"url": url}, session=session)
            tools.wait_for("Page.loadEventFired", timeout=timeout)
            ready = True
            if wait is not None:
                deadline = time.monotonic() + timeout
                while True:
                    reply = tools.send(
                        "Runtime.evaluate",
                        {"expression": wait, "awaitPromise": True, "returnByValue": True},
                        session=session,
                        timeout=timeout,
                    )
                    if reply.get("result", {}).get("value"):
                        break
                    if time.monotonic() > deadline:
                        ready = False
                        break
                    time.sleep(0.1)
            tools.drain(settle)
            text = tools.send(
                "Runtime.evaluate",
                {"expression": "document.body.innerText", "returnByValue": True},
                session=session,
            )["result"].get("value", "")
            value = None
            if evaluate is not None and ready:
                value = tools.send(
                    "Runtime.evaluate",
                    {"expression": evaluate, "awaitPromise": True, "returnByValue": True},
                    session=session,
                )["result"].get("value")
            if full_page:
                metrics = tools.send("Page.getLayoutMetrics", session=session)
                height = int(min(metrics["cssContentSize"]["height"], 12_000))
                tools.send(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                    session=session,
                )
            shot = tools.send("Page.captureScreenshot", {"format": "png"}, session=session)
            path = SCREENSHOTS / f"{name}-{index}.png"
            path.write_bytes(base64.b64decode(shot["data"]))
            print(f"screenshot of {url}: {path}")
            console, failed, requests = _errors(tools.events, session)
            out.append(
                Rendered(
                    url=url,
                    text=text,
                    console_errors=console,
                    failed_requests=failed,
                    requests=requests,
                    screenshot=path,
                    value=value,
                    ready=ready,
                )
            )
            tools.send("Target.closeTarget", {"targetId": target})
    return out


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) and yield its base URL.

    Fonts and scripts load from ``http://`` as on a web server (browsers refuse some of
    them, web fonts among them, from ``file://`` pages).
    """

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
