"""MkDocs hook: add the pages generated from the repository's data to the build (a thin shell).

Which site (``extra.xuncha.site``: internal or public) comes from the config;
the day from ``extra.xuncha.as_of`` (set by ``xuncha build --as-of``), else the
XUNCHA_AS_OF environment variable, else today. All logic lives in
:mod:`xuncha.render`; this file only loads, calls and hands files to MkDocs,
with their parts already in HTML (:class:`xuncha.render.Page`): those search
reads go in before it indexes the page, the others after, and a page whose
headings are in HTML brings its table of contents along. A page that is
nothing but such parts skips Markdown conversion (:class:`HtmlPage`).
"""

from __future__ import annotations

import gc
import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

import jieba
from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from xuncha.model.repo import find_root
from xuncha.model.schemas import public_fields, schema_dir
from xuncha.render import UNINDEXED, Heading, Page, splice
from xuncha.render.derive import enrich
from xuncha.render.sites import Site, internal_site, public_site
from xuncha.site.data import TEMPLATES, drafts, load
from xuncha.site.history import read as read_history

log = logging.getLogger("mkdocs.plugins.xuncha")
# the domain dictionary shipped in the package, wherever this hook file is
SEARCH_TERMS = Path(__file__).with_name("search_terms.txt")
jieba.setLogLevel(logging.WARNING)
PAGES: dict[str, Page] = {}  # page source path → its generated page (HTML for its slots), this build


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load the domain dictionary here (absolute path), so search works from any working directory.

    Drop the theme's "Made with Material for MkDocs" footer link: the intranet has no internet, and
    ``xuncha build`` replaces the config's ``extra``, so the setting lives here for every build."""
    jieba.load_userdict(str(SEARCH_TERMS))
    config.extra["generator"] = False
    return config


def settings(config: MkDocsConfig) -> tuple[str, str]:
    """(site kind, as-of day) from the config, the environment, or the clock — the shell's job."""
    extra: dict[str, Any] = dict(config.extra.get("xuncha") or {})
    as_of = str(extra.get("as_of") or os.environ.get("XUNCHA_AS_OF") or date.today().isoformat())
    return str(extra.get("site", "internal")), as_of


def on_env(env: Environment, **_: Any) -> Environment:
    """Compile the theme's templates once per process, not once per site."""
    env.bytecode_cache = TEMPLATES
    return env


def on_files(files: Files, config: MkDocsConfig) -> Files:
    kind, as_of = settings(config)
    root = find_root(Path(str(config.config_file_path)).resolve().parent)
    collecting = gc.isenabled()
    gc.disable()  # generating makes millions of small objects and next to no cycles (as validate)
    try:
        site = rolled_up(config, generate(root, kind, as_of), as_of)
    finally:
        gc.freeze()  # they live as long as the build: the collector need never scan them
        if collecting:
            gc.enable()
    for message in site.messages:
        log.warning(message)
    PAGES.clear()
    for page in site.pages:
        file = File.generated(config, page.path, content=page.text)
        files.append(file)
        if page.html_only:
            HtmlPage(None, file, config)  # MkDocs uses the page it finds on the file
        if page.html or page.unindexed or page.toc:
            PAGES[page.path] = page
    config.nav = site.nav
    return files


class HtmlPage(MkDocsPage):
    """A page of ours that is nothing but placeholders for its HTML (problem, unit and notice pages).

    Python-Markdown would hand the placeholders back as they are, but MkDocs
    sets it up afresh for every page first: about half a millisecond a page,
    a tenth of the build at 10,000 problems. So the text is taken as the
    converted page (a test checks it is what Python-Markdown makes of it).
    Anchor checks see what they saw before: no ids (the HTML comes in
    :func:`on_page_content`).
    """

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = (self.markdown or "").strip()
        self.present_anchor_ids = set()


def on_nav(nav: Navigation, **_: Any) -> Navigation:
    """MkDocs' pages exist now and live as long as the build, like what :func:`on_files` froze:
    keep the collector from rescanning them while thousands of pages are rendered."""
    gc.freeze()
    return nav


def on_post_build(**_: Any) -> None:
    """Hand what was frozen back to the collector (``xuncha serve`` builds again and again)."""
    gc.unfreeze()


def on_page_content(html: str, page: MkDocsPage, **_: Any) -> str:
    """Splice the pre-rendered HTML parts (problem bodies, problem trees) into their pages,
    and give MkDocs the table of contents of a page whose headings are among them."""
    ours = PAGES.get(page.file.src_uri)
    if ours is None:
        return html
    if ours.toc:
        page.toc = get_toc([_token(heading) for heading in ours.toc])
    return splice(html, ours.html)


def on_post_page(output: str, page: MkDocsPage, **_: Any) -> str:
    """Splice the parts search skips into the finished page, after the search plugin has read it."""
    ours = PAGES.get(page.file.src_uri)
    return splice(output, ours.unindexed, UNINDEXED) if ours else output


def _token(heading: Heading) -> Any:
    """A heading as Python-Markdown's toc extension hands it to MkDocs."""
    children = [_token(child) for child in heading.children]
    return {"level": heading.level, "id": heading.id, "name": heading.title, "children": children}


def rolled_up(config: MkDocsConfig, site: Site, as_of: str) -> Site:
    """The site with the rollup's pages when ``xuncha build --rollup`` rolled members up."""
    extra: dict[str, Any] = dict(config.extra.get("xuncha") or {})
    if not extra.get("rollup_db"):
        return site
    from xuncha.render.rollup import with_rollup  # DuckDB loads only for a rollup build
    from xuncha.rollup.engine import query
    from xuncha.rollup.manifest import read
    from xuncha.rules.rubrics import CHECKOUT

    manifest, _ = read(Path(extra["rollup_manifest"]), CHECKOUT / "schemas")
    assert manifest is not None  # the command read it first
    return with_rollup(site, query(Path(extra["rollup_db"]), manifest, as_of))


def generate(root: Path, kind: str, as_of: str) -> Site:
    report, setting = load(root)
    if report.index.broken:
        left_out = len(report.index.broken)
        log.warning(f"{left_out} 个记录文件有错误，不会出现在网站上（运行 xuncha validate 查看）。")
    allow = public_fields(schema_dir(root))
    notices = drafts(root, report, allow, as_of)
    if kind == "public":  # never the history: clerks' and approvers' names are internal
        return public_site(report.index, allow, as_of, notices)
    history = read_history(root)
    if history.note:
        log.warning(history.note)
    details = enrich(report.index, setting, as_of, history.merges)
    return internal_site(report.index, allow, as_of, details, history.by_problem, notices)
