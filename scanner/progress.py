"""Progress on stderr: stages, counts and elapsed time; one live line on a terminal, few lines in CI."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Literal, TextIO

from scanner.text import plain

Mode = Literal["off", "live", "lines"]

# A live line is redrawn at most this often; in logs a long stage says how far it got at
# most this often, so a nightly job's log stays a few lines long.
LIVE_INTERVAL = 0.1
LOG_INTERVAL = 30.0


def choose(flag: bool | None, stream: TextIO, env: Mapping[str, str] | None = None) -> Mode:
    """``--progress``/``--no-progress``/auto: live on a terminal, plain lines in CI, else off.

    Auto stays quiet when the stream is not a terminal (pipes, pre-commit, most CI); a
    terminal in CI (some runners allocate one) or a dumb terminal gets plain lines, never
    redrawn bars. ``--progress`` without a terminal also gives plain lines.
    """
    env = os.environ if env is None else env
    if flag is False:
        return "off"
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return "lines" if flag else "off"
    ci = env.get("CI", "").lower() not in ("", "0", "false") or bool(env.get("GITHUB_ACTIONS"))
    return "lines" if ci or env.get("TERM") == "dumb" else "live"


class Progress:
    """Reports stages with counts; thread-safe, so enrichment workers may call ``advance``."""

    def __init__(
        self,
        mode: Mode,
        stream: TextIO,
        clock: Callable[[], float] = time.monotonic,
        color: bool | None = None,
    ) -> None:
        self.mode = mode
        self._stream = stream
        self._clock = clock
        # no-color.org: NO_COLOR set to a non-empty value turns color off.
        self._color = mode == "live" and not os.environ.get("NO_COLOR") if color is None else color
        self._lock = threading.Lock()
        self._start = clock()
        self._stage = ""
        self._unit = ""
        self._stage_start = self._start
        self._last = float("-inf")
        self._live = False

    def stage(self, name: str, unit: str = "") -> None:
        """Begin a stage (``unit`` names what ``advance`` counts: files, lookups)."""
        with self._lock:
            self._stage, self._unit = plain(name), plain(unit)
            self._stage_start = self._clock()
            self._last = float("-inf")
            if self.mode == "live":
                self._draw(f"{self._name()} …")
            elif self.mode == "lines":
                self._line(f"{self._name()} …")  # a hung job's log says where it hangs

    def advance(self, done: int, total: int) -> None:
        """How far the current stage got; drawn only when the throttle allows."""
        if self.mode == "off":
            return
        with self._lock:
            now = self._clock()
            interval = LIVE_INTERVAL if self.mode == "live" else LOG_INTERVAL
            if now - self._last < interval and done < total:
                return
            if self.mode == "lines" and (done >= total or now - self._stage_start < interval):
                return  # the stage's end line will say it; short stages print nothing more
            self._last = now
            unit = f" {self._unit}" if self._unit else ""
            text = f"{self._name()} {done}/{total}{unit} ({now - self._start:.1f}s)"
            if self.mode == "live":
                self._draw(text)
            else:
                self._line(text)

    def done(self, detail: str = "") -> None:
        """End the current stage with a one-line summary."""
        if self.mode == "off":
            return
        with self._lock:
            now = self._clock()
            took = now - self._stage_start
            text = f"{self._name()}" + (f": {plain(detail)}" if detail else "") + f" ({took:.1f}s)"
            self._line(text)

    def finish(self, detail: str = "") -> None:
        """The closing line with the total elapsed time."""
        if self.mode == "off":
            return
        with self._lock:
            total = self._clock() - self._start
            self._line("done" + (f": {plain(detail)}" if detail else "") + f" in {total:.1f}s")

    def clear(self) -> None:
        """Erase a live line (before an error message takes its place)."""
        with self._lock:
            if self._live:
                self._stream.write("\r\033[K")
                self._stream.flush()
                self._live = False

    def _name(self) -> str:
        return f"\033[1m{self._stage}\033[0m" if self._color else self._stage

    def _draw(self, text: str) -> None:
        # Carriage return and erase-line redraw one line in place (terminals only).
        self._stream.write(f"\r\033[Kicts-scan: {text}")
        self._stream.flush()
        self._live = True

    def _line(self, text: str) -> None:
        prefix = "\r\033[K" if self._live else ""
        self._live = False
        self._stream.write(f"{prefix}icts-scan: {text}\n")
        self._stream.flush()
