"""MkDocs hook: add the pages generated from the repository's data to the build (a thin shell).

Which site (``extra.xuncha.site``: internal or public) comes from the config;
the day from ``extra.xuncha.as_of`` (set by ``xuncha build --as-of``), else the
XUNCHA_AS_OF environment variable, else today. All logic lives in
:mod:`xuncha.render`; this file only loads, calls and hands files to MkDocs.
"""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import Any

import jieba
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page as MkDocsPage

import xuncha
from xuncha.render import splice
from xuncha.render.derive import enrich
from xuncha.render.sites import Site, internal_site, public_site
from xuncha.repo import find_root
from xuncha.schemas import public_fields, schema_dir
from xuncha.site_data import load
from xuncha.site_history import read as read_history

log = logging.getLogger("mkdocs.plugins.xuncha")
# the domain dictionary shipped in the package, wherever this hook file is
SEARCH_TERMS = Path(xuncha.__file__).parent / "data" / "search_terms.txt"
jieba.setLogLevel(logging.WARNING)
FRAGMENTS: dict[str, tuple[str, ...]] = {}  # page source path → HTML for its slots, this build


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load the domain dictionary here (absolute path), so search works from any working directory."""
    jieba.load_userdict(str(SEARCH_TERMS))
    return config


def settings(config: MkDocsConfig) -> tuple[str, str]:
    """(site kind, as-of day) from the config, the environment, or the clock — the shell's job."""
    extra: dict[str, Any] = dict(config.extra.get("xuncha") or {})
    as_of = str(extra.get("as_of") or os.environ.get("XUNCHA_AS_OF") or date.today().isoformat())
    return str(extra.get("site", "internal")), as_of


def on_files(files: Files, config: MkDocsConfig) -> Files:
    kind, as_of = settings(config)
    root = find_root(Path(str(config.config_file_path)).resolve().parent)
    site = generate(root, kind, as_of)
    for message in site.messages:
        log.warning(message)
    FRAGMENTS.clear()
    for page in site.pages:
        files.append(File.generated(config, page.path, content=page.text))
        if page.html:
            FRAGMENTS[page.path] = page.html
    config.nav = site.nav
    return files


def on_page_content(html: str, page: MkDocsPage, **_: Any) -> str:
    """Splice the pre-rendered HTML parts (problem bodies, problem trees) into their pages."""
    fragments = FRAGMENTS.get(page.file.src_uri)
    return splice(html, fragments) if fragments else html


def generate(root: Path, kind: str, as_of: str) -> Site:
    report, setting = load(root)
    errors = sum(1 for f in report.findings if f.severity == "error")
    if errors:
        log.warning(
            f"数据校验发现 {errors} 个错误：有错误的文件不会出现在网站上（运行 xuncha validate 查看）。"
        )
    allow = public_fields(schema_dir(root))
    if kind == "public":  # never the history: clerks' and approvers' names are internal
        return public_site(report.index, allow, as_of)
    history = read_history(root)
    if history.note:
        log.warning(history.note)
    return internal_site(report.index, allow, as_of, enrich(report.index, setting, as_of), history.by_problem)
