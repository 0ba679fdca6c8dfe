"""The mkdocs plugin `zoo`: a thin adapter from mkdocs' events to the engine-free core.

This is the only module that imports mkdocs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from rdflib import Graph

from generator.atomic import write_atomic
from generator.cache import DEFAULT_CACHE_DIR, cached_inspect
from generator.findings import Finding, Severity
from generator.namespaces import DEFAULT_SITE_URL
from generator.render import index_page, model_page, templates_dir
from generator.site import PAGES, Publication, data_files, publish
from generator.zoo import CARD_NAME, ModelRecord, Settings, Zoo, load_zoo
from generator.zoowide import ZooOptions

log = get_plugin_logger("zoo")
INDEX = "index.md"
DEFAULT_INTRO = "# Model zoo\n\nEvery model of this zoo, with the precisions it computes in.\n"


class ZooConfig(base.Config):
    """The `zoo` plugin's options in `mkdocs.yml`; `zoo check` reads the same ones."""

    content = c.Optional(c.Type(str))
    """The folder with one sub-folder per model (default: `docs_dir`)."""
    severity = c.DictOfItems(c.Choice([str(s) for s in Severity]), default={})
    """Rule code or name to the severity to report it with, e.g. `{ZC106: warning}`."""
    accuracy_drop = c.Type(float, default=ZooOptions().accuracy_drop)
    """The largest fall of a metric from parent to child along a lineage that passes (ZC304)."""


def settings(config: ZooConfig, mkdocs_config: MkDocsConfig) -> Settings:
    """The zoo's settings from the plugin's options; the content folder is relative to mkdocs.yml.

    Args:
        config: The plugin's options.
        mkdocs_config: The site's configuration.

    Returns:
        The settings.
    """
    root = Path(mkdocs_config.config_file_path).parent
    return Settings(
        content=Path(mkdocs_config.docs_dir) if config.content is None else root / config.content,
        severities={rule: Severity(level) for rule, level in config.severity.items()},
        options=ZooOptions(accuracy_drop=config.accuracy_drop),
    )


def read_settings(config_file: Path) -> Settings | None:
    """Read the zoo's settings from a `mkdocs.yml`, exactly as the build does.

    Args:
        config_file: The `mkdocs.yml`.

    Returns:
        The settings, or None when the site has no `zoo` plugin.
    """
    mkdocs_config = load_config(str(config_file))
    plugin = mkdocs_config.plugins.get("zoo")
    if not isinstance(plugin, ZooPlugin):
        return None
    return settings(plugin.config, mkdocs_config)


class ZooPlugin(BasePlugin[ZooConfig]):
    """Generate a page per model, the zoo index and the zoo's graph files."""

    def __init__(self) -> None:
        self.zoo = Zoo(Path(), ())
        self.site_url = DEFAULT_SITE_URL
        self._pages: dict[str, ModelRecord] = {}
        self.publication = Publication(self.zoo, self.site_url, {}, Graph())

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Put the zoo's templates into the theme, after the site's own overrides."""
        ours = str(templates_dir())
        if ours not in map(os.path.realpath, config.theme.dirs):
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, ours)
        self.site_url = (config.site_url or DEFAULT_SITE_URL).rstrip("/") + "/"
        if config.nav is not None:
            listed = set(_nav_uris(config.nav))
            config.nav.extend({p.title: p.uri} for p in PAGES if p.uri not in listed)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Read the zoo, report its findings, and put one generated page per model."""
        zoo = settings(self.config, config)
        cache = Path(config.config_file_path).parent / DEFAULT_CACHE_DIR
        self.zoo = load_zoo(zoo.content, severities=zoo.severities, options=zoo.options,
                            inspector=functools.partial(cached_inspect, cache_dir=cache))
        for finding in self.zoo.findings:
            _log(finding)
        folders = {os.path.realpath(record.folder) for record in self.zoo.records}
        for file in list(files):
            if file.abs_src_path and _is_inside(file.abs_src_path, folders):
                files.remove(file)
        self._pages = {}
        for record in self.zoo.records:
            self._add_model(files, config, record)
        if files.get_file_from_path(INDEX) is None:
            files.append(File.generated(config, INDEX, content=DEFAULT_INTRO))
        self.publication = publish(self.zoo, self.site_url)
        for page in PAGES:
            files.append(File.generated(config, page.uri, content=page.markdown(self.publication)))
        return files

    def _add_model(self, files: Files, config: MkDocsConfig, record: ModelRecord) -> None:
        page_uri = f"models/{record.id}/{CARD_NAME}"  # so `../other/README.md` links resolve
        body = record.card.body if record.card else ""
        files.append(File.generated(config, page_uri, content=body,
                                    inclusion=InclusionLevel.NOT_IN_NAV))
        self._pages[page_uri] = record
        for path in sorted(record.folder.rglob("*")):
            relative = path.relative_to(record.folder).as_posix()
            if path.is_file() and relative != CARD_NAME and not relative.startswith("."):
                files.append(File.generated(config, f"models/{record.id}/{relative}",
                                            abs_src_path=str(path)))

    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Give a model page its metadata: title, description and JSON-LD."""
        record = self._pages.get(page.file.src_uri)
        if record is not None:
            description = record.card.description if record.card else ""
            page.meta = {
                "title": escape(record.name),
                "description": escape(description),
                "zoo_jsonld": self.publication.documents[record.id],
                "zoo_alternate": Markup("model.jsonld"),
            }
        return markdown

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Wrap a model's card body in its page; put the model list on the index."""
        record = self._pages.get(page.file.src_uri)
        if record is not None:
            return model_page(record, html, self.zoo.records)
        if page.file.src_uri == INDEX:
            return index_page(self.zoo.records, html)
        return html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write the zoo's data files: models.json, each model.jsonld, zoo.jsonld and zoo.ttl."""
        for path, text in data_files(self.publication).items():
            write_atomic(Path(config.site_dir) / path, text)

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Watch the content folder too, when it lies outside `docs_dir`."""
        content = settings(self.config, config).content
        if not _is_inside(str(content), {os.path.realpath(config.docs_dir)}):
            server.watch(str(content))
        return server


def _nav_uris(nav: list[Any]) -> Iterator[str]:
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            yield from _nav_uris(value) if isinstance(value, list) else [str(value)]


def _log(finding: Finding) -> None:
    level = {Severity.ERROR: log.error, Severity.WARNING: log.warning, Severity.INFO: log.info}
    level[finding.severity](str(finding))


def _is_inside(path: str, folders: set[str]) -> bool:
    real = os.path.realpath(path)
    return any(real == folder or real.startswith(folder + os.sep) for folder in folders)
