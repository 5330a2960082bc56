"""Open the built report in headless Chromium: screenshots, headings, images and links.

Chromium reads the pages from disk (no server, no network). A small harness page loads the
report page in a frame, records what the browser rendered (headings, whether each image
decoded, every link) and Chromium's ``--dump-dom`` hands that record back.
"""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import matplotlib.image as mpimg
import pytest

CHROMIUM = next(
    (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)",
    ),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--allow-file-access-from-files", "--window-size=1280,2000"]  # fmt: skip
HARNESS = """<!DOCTYPE html>
<html><body><pre id="result">pending</pre>
<iframe id="page" src="URL" width="1280" height="1000"></iframe>
<script>
window.addEventListener("load", () => {
  const doc = document.getElementById("page").contentDocument;
  const images = [...doc.images];
  document.getElementById("result").textContent = JSON.stringify({
    // Notebook headings end in an anchor sign (¶), which is not part of the heading.
    headings: [...doc.querySelectorAll("h1, h2")].map(h => h.textContent.replace("¶", "").trim()),
    images: images.length,
    broken: images.filter(i => !(i.complete && i.naturalWidth > 0))
                  .map(i => (i.getAttribute("src") || "").slice(0, 80)),
    links: [...doc.querySelectorAll("a[href]")].map(a => a.href),
    ids: [...doc.querySelectorAll("[id]")].map(e => e.id),
  });
});
</script></body></html>
"""
PAGES = {
    "index.html": ["Bilateral trade report: India–Japan", "Key figures", "The claims at a glance",
                   "Notebooks"],
    "01_headline.html": ["India–Japan trade: the headline figures", "What the articles say",
                         "Data and sources"],
}  # fmt: skip


def chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip
    return result.stdout


def rendered(tmp_path: Path, page: Path) -> dict:
    harness = tmp_path / f"harness-{page.stem}.html"
    harness.write_text(HARNESS.replace("URL", page.as_uri()), encoding="utf-8")
    dom = chromium(tmp_path, "--virtual-time-budget=15000", "--dump-dom", harness.as_uri())
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found and found.group(1) != "pending", "the harness did not run"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_with_headings_images_and_working_links(built_report, tmp_path, name):
    page = built_report / name
    shot = tmp_path / f"{page.stem}.png"
    chromium(tmp_path, f"--screenshot={shot}", page.as_uri())
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (2000, 1280) and pixels.std() > 0.05, "blank screenshot"

    seen = rendered(tmp_path, page)
    for heading in PAGES[name]:
        assert heading in seen["headings"]
    assert seen["images"] >= 1 and seen["broken"] == []
    for link in seen["links"]:
        url = urlparse(link)
        if url.scheme != "file":
            assert url.scheme in {"http", "https", "mailto"}, link
            continue
        target = Path(unquote(url.path))
        assert target.is_file(), f"broken link on {name}: {link}"
        if url.fragment and target == page:
            assert url.fragment in seen["ids"], f"broken anchor on {name}: {link}"


WIDTHS = {"desktop": 1280, "phone": 390}
FRAME = """<!DOCTYPE html>
<html><body style="margin:0">
<iframe id="page" src="URL" width="WIDTH" height="1800" style="border:0;display:block"></iframe>
<pre id="result">pending</pre>
<script>
window.addEventListener("load", () => {
  const frame = document.getElementById("page");
  const doc = frame.contentDocument;
  const images = [...doc.images];
  const clipped = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  document.getElementById("result").textContent = JSON.stringify({
    // Wider than the screen: the page itself scrolls sideways (a box may scroll inside).
    overflow: doc.documentElement.scrollWidth - frame.clientWidth,
    wide: [...doc.body.querySelectorAll("*")]
      .filter(e => e.getBoundingClientRect().right > frame.clientWidth + 1 && !clipped(e))
      .slice(0, 3).map(e => e.tagName + "." + e.className),
    broken: images.filter(i => !(i.complete && i.naturalWidth > 0))
                  .map(i => (i.getAttribute("src") || "").slice(0, 80)),
    // Each interactive view: did plotly.js draw it, and is it as wide as the page allows?
    views: [...doc.querySelectorAll(".bt-view")].map(v => ({
      id: v.id, drawn: v.querySelectorAll(".main-svg").length > 0,
      right: v.getBoundingClientRect().right,
    })),
    // Scripts from anywhere but the report's folder (a CDN) would fail offline.
    remote: [...doc.scripts].map(s => s.src).filter(s => s && !s.startsWith("file:")),
  });
});
</script></body></html>
"""


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_every_page_reads_on_a_desktop_and_a_phone(built_report, tmp_path, screen):
    from concurrent.futures import ThreadPoolExecutor

    width = WIDTHS[screen]
    shots = built_report / "screenshots"
    shots.mkdir(exist_ok=True)
    pages = sorted(built_report.glob("*.html"))

    def visit(page: Path) -> tuple[Path, dict, list[str]]:
        harness = tmp_path / f"{page.stem}-{screen}.html"
        harness.write_text(FRAME.replace("URL", page.as_uri()).replace("WIDTH", str(width)),
                           encoding="utf-8")  # fmt: skip
        profile = tmp_path / f"profile-{page.stem}-{screen}"
        result = subprocess.run(
            [CHROMIUM, *FLAGS[:-1], f"--window-size={width},1800", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
             f"--screenshot={shots / f'{page.stem}-{screen}.png'}", "--dump-dom",
             harness.as_uri()],
            capture_output=True, text=True, timeout=180, check=True,
        )  # fmt: skip
        found = re.search(r'<pre id="result">(.*?)</pre>', result.stdout, re.S)
        assert found and found.group(1) != "pending", f"the harness did not run on {page.name}"
        console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
        return page, json.loads(html.unescape(found.group(1))), console

    views = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for page, seen, console in pool.map(visit, pages):
            assert seen["overflow"] <= 1, f"{page.name} scrolls sideways at {width} px: {seen}"
            assert seen["broken"] == [], f"{page.name}: images that do not load {seen['broken']}"
            assert console == [], f"{page.name} logs to the console: {console[:3]}"
            assert seen["remote"] == [], f"{page.name} loads scripts from a network"
            undrawn = [v["id"] for v in seen["views"] if not v["drawn"]]
            assert undrawn == [], f"{page.name}: interactive views not drawn at {width} px"
            assert all(v["right"] <= width + 1 for v in seen["views"]), page.name
            views += len(seen["views"])
    assert len(list(shots.glob(f"*-{screen}.png"))) == len(pages)
    # The time series and the two composition treemaps, at least.
    assert views >= 4
