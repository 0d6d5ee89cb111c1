"""The built sites in a real browser (Debian's Chromium driven by Playwright), served from 127.0.0.1.

Checks what a reader sees: the dashboard, a unit page, a public notice and a
Chinese search, with no request leaving the machine and no console error.
Screenshots go to a folder under the test's tmp dir and to /tmp/xuncha-shots/.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from click.testing import Result

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "需要 Debian 的 Chromium（/usr/bin/chromium）：apt-get install -y chromium", allow_module_level=True
    )

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-23"
SHOTS = Path("/tmp/xuncha-shots")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL = {"127.0.0.1", "localhost"}


@dataclass
class Watch:
    """Every request a page made and every console error it logged."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname not in LOCAL
        ]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Both sites built from the demo data, served by a local http.server."""
    out = tmp_path_factory.mktemp("sites")
    from click.testing import CliRunner

    from xuncha.cli.main import cli

    result: Result = CliRunner().invoke(
        cli, ["--root", str(REPO), "build", "--as-of", AS_OF, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    handler = functools.partial(Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=5)


class Quiet(http.server.SimpleHTTPRequestHandler):
    """A static file server that does not log every request into the test output."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


def _open(browser: Browser, url: str) -> tuple[Page, Watch]:
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    watch = Watch()
    page.on("request", lambda r: watch.requests.append(r.url))
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    page.goto(url, wait_until="networkidle")
    return page, watch


def _shoot(page: Page, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def _clean(watch: Watch) -> None:
    assert watch.outside() == [], f"页面请求了本机以外的地址：{watch.outside()}"
    assert watch.errors == [], f"控制台错误：{watch.errors}"


def test_dashboard(browser: Browser, served: str, shots: Path) -> None:
    page, watch = _open(browser, f"{served}/internal/index.html")
    body = page.inner_text("article")
    assert "巡察整改总览" in body and "整改落实率" in body and "今日逾期" in body
    assert page.locator("article img[src$='rates.svg']").count() == 1
    assert page.evaluate("document.querySelector(\"article img[src$='rates.svg']\").naturalWidth") > 0
    _shoot(page, shots, "1-dashboard")
    _clean(watch)


def test_unit_page(browser: Browser, served: str, shots: Path) -> None:
    page, watch = _open(browser, f"{served}/internal/rounds/2025-ch-r1/ch-ctjt/index.html")
    body = page.inner_text("article")
    assert "问题清单" in body and "质效评估" in body
    assert page.locator("article .xc-lamp").count() > 5
    page.click("text=P01.1")
    assert "进展日志" in page.inner_text("article")
    page.go_back()
    _shoot(page, shots, "2-unit")
    _clean(watch)


def test_public_notice(browser: Browser, served: str, shots: Path) -> None:
    page, watch = _open(browser, f"{served}/public/index.html")
    page.click("text=中共汨罗市委巡察机构关于巡察整改进展情况的通报")
    body = page.inner_text("article")
    assert "截至6月7日，提级巡察反馈细化的23个问题，已完成整改23个。" in body
    assert "问题二十三：" in body and "2024年6月11日" in body
    _shoot(page, shots, "3-notice")
    _clean(watch)


@pytest.mark.parametrize("word", ["八项规定", "整改"])
def test_chinese_search_finds_word_inside_sentence(
    browser: Browser, served: str, shots: Path, word: str
) -> None:
    page, watch = _open(browser, f"{served}/internal/index.html")
    page.click("label.md-search__icon, .md-search__input")
    page.fill("input.md-search__input", word)
    page.press("input.md-search__input", "End")  # Material reads the box on keyup
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    texts = page.locator(".md-search-result__item").all_inner_texts()
    sentences = [t for t in texts if word in t and t.strip() != word]
    assert sentences, f"搜索“{word}”没有找到句中含有该词的结果：{texts[:3]}"
    assert page.locator(".md-search-result mark").count() > 0
    _shoot(page, shots, f"4-search-{word}")
    _clean(watch)
