"""Benchmark: the HTML report's size and time-to-interactive in headless Chromium, old vs new.

Scans (``--no-network``) the shared corpus (every lockfile in it), the same padded to
--components, that again with nine synthetic provenance facts per component (what an online
scan adds), and examples/ragflow. Renders each with the HTML renderer of --baseline (a commit,
loaded from git in this run) and with the current one, opens every page in real headless
Chromium over the DevTools protocol (tests/report/cdp.py) and prints, per page: bytes, render
seconds in Python, time-to-interactive (tables drawn, a frame painted and the main thread free,
on the page's own clock), the time one search over the components takes to reach the screen
(both medians of --runs page loads), and new/old ratios. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import feeds  # noqa: E402
from scanner.assess.coverage import Coverage  # noqa: E402
from scanner.enrich.model import Fact, Provenance, SourceStatus  # noqa: E402
from scanner.pipeline import ScanRequest, ScanResult, scan  # noqa: E402
from scanner.report import html  # noqa: E402
from tests.report.cdp import Browser, Page, find_browser  # noqa: E402
from tests.report.scale import padded  # noqa: E402

CORPUS = Path(os.environ.get("ICTS_SCAN_CORPUS", ROOT.parent / "shared" / "corpus"))
# The renderer before reports were built from embedded data (one DOM row per record).
BASELINE = "e8c68f7599371ab192453673c5b4181e4ad4de52"
MODULES = ("html_assets", "html_charts", "html")

# A search in the components box until the next frame: what a reader waits for per keystroke.
SEARCH = """new Promise(done => {
  const box = document.querySelector('input[data-filter=components]');
  const t0 = performance.now();
  box.value = 'zz-no-such-component';
  box.dispatchEvent(new Event('input'));
  requestAnimationFrame(() => setTimeout(() => done([performance.now() - t0,
    document.getElementById('components-count').textContent]), 0));
})"""


def baseline(commit: str) -> Callable[[ScanResult], str]:
    """The old render function, its modules loaded from git under a private package name."""
    package = types.ModuleType("_html_baseline")
    package.__path__ = []
    sys.modules[package.__name__] = package
    for name in MODULES:
        source = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{commit}:scanner/report/{name}.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for other in MODULES:
            source = source.replace(f"scanner.report.{other} ", f"_html_baseline.{other} ")
            source = source.replace(
                f"from scanner.report import {other} ", f"from _html_baseline import {other} "
            )
        spec = importlib.util.spec_from_loader(f"_html_baseline.{name}", loader=None)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        setattr(package, name, module)
        exec(compile(source, f"{commit[:10]}:scanner/report/{name}.py", "exec"), module.__dict__)
    render: Callable[[ScanResult], str] = sys.modules["_html_baseline.html"].render
    return render


# The facts the npm source reads for one package: kind, value pattern, field, strength.
NPM_FACTS = (
    ("author-name", "Person {a}", "author.name", "self-declared"),
    ("author-email", "person{a}@mail{m}.example.invalid", "author.email", "self-declared"),
    ("maintainer-account", "user{b}", "maintainers[0].name", "registry-asserted"),
    ("maintainer-email", "user{b}@example.invalid", "maintainers[0].email", "registry-asserted"),
    ("maintainer-account", "user{d}", "maintainers[1].name", "registry-asserted"),
    ("maintainer-email", "user{d}@example.invalid", "maintainers[1].email", "registry-asserted"),
    ("publisher-account", "user{b}", "_npmUser.name", "registry-asserted"),
    (
        "repository",
        "git+https://git.example.invalid/org{o}/{name}.git",
        "repository",
        "self-declared",
    ),
    ("homepage", "https://git.example.invalid/org{o}/{name}#readme", "homepage", "self-declared"),
)


def enriched(result: ScanResult, people: int = 4000) -> ScanResult:
    """The result as an online scan would leave it: every component known, with the nine facts
    of NPM_FACTS, people drawn from a pool as real maintainers span many packages."""
    provenance = {}
    for n, c in enumerate(result.inventory.components):
        url = f"https://registry.example.invalid/{c.name}"
        at = f"2026-11-01T00:{n // 600 % 60:02d}:{n // 10 % 60:02d}Z"
        a, b, d = ((n * 7919 + k * 104729) % people for k in (1, 2, 3))
        fill = {"a": a, "b": b, "d": d, "m": a % 97, "o": a % 900, "name": c.name}
        facts = tuple(
            Fact(
                c.purl,
                kind,
                value.format(**fill),
                f"versions[{c.version}].{field}",
                "npm",
                url,
                at,
                strength,
            )  # type: ignore[arg-type]
            for kind, value, field, strength in NPM_FACTS
        )
        provenance[c.purl] = Provenance(c.purl, facts, (SourceStatus("npm", "ok", url=url),))
    count = result.coverage.components
    return replace(
        result,
        enriched=replace(result.enriched, provenance=provenance),
        coverage=Coverage(count, count, result.coverage.first_party),
    )


def measure(browser: Browser, path: Path, runs: int) -> tuple[float, float, str]:
    """Time-to-interactive (s) and one search's time to screen (s), medians of ``runs`` fresh
    tabs, with the count the search showed."""
    ready, took, count = [], [], ""
    for _ in range(runs):
        page = Page(browser)
        page.open(path)
        ready.append(page.settle() / 1000)
        ms, count = page.evaluate(SEARCH)
        took.append(ms / 1000)
        page.send("Page.close")
    return statistics.median(ready), statistics.median(took), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--ragflow", type=Path, default=ROOT / "examples" / "ragflow")
    parser.add_argument("--components", type=int, default=20_000, help="pad the corpus to this")
    parser.add_argument("--baseline", default=BASELINE, help="commit of the old renderer")
    parser.add_argument("--runs", type=int, default=3, help="page loads per measurement (median)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per browser command")
    args = parser.parse_args()
    binary = find_browser()
    if binary is None:
        sys.exit("no Chromium binary (apt-get install chromium, or set ICTS_SCAN_CHROMIUM)")
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus} (set ICTS_SCAN_CORPUS)")
    old = baseline(args.baseline)
    fs = feeds.load()
    corpus = scan(ScanRequest(path=str(args.corpus), network=False), fs)
    big = padded(corpus, args.components)
    cases = {
        "corpus": corpus,
        f"corpus padded to {args.components:,}": big,
        "the same with 9 provenance facts each (synthetic)": enriched(big),
        "ragflow": scan(ScanRequest(path=str(args.ragflow), network=False), fs),
    }
    browser = Browser(binary, timeout=args.timeout)
    print(f"baseline {args.baseline[:10]}; python {sys.version.split()[0]}; {binary}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for label, result in cases.items():
                comps = len(result.inventory.components)
                print(f"\n{label}: {comps:,} components, {len(result.findings):,} findings")
                rows = {}
                for name, render in (("old", old), ("new", html.render)):
                    t0 = time.perf_counter()
                    text = render(result)
                    seconds = time.perf_counter() - t0
                    path = Path(tmp) / f"{name}.html"
                    path.write_text(text, encoding="utf-8")
                    size = path.stat().st_size
                    ready, search, count = measure(browser, path, args.runs)
                    rows[name] = (size, seconds, ready, search)
                    print(
                        f"  {name}: {size / 1e6:7.2f} MB  render {seconds:6.2f} s  "
                        f"interactive {ready:7.2f} s  search {search:6.3f} s ({count})"
                    )
                (s0, r0, i0, q0), (s1, r1, i1, q1) = rows["old"], rows["new"]
                print(
                    f"  new/old: size {s1 / s0:.3f}  render {r1 / r0:.3f}  "
                    f"interactive {i1 / i0:.3f}  search {q1 / q0:.3f}"
                )
    finally:
        browser.close()


if __name__ == "__main__":
    main()
