"""Query: SPARQL over the zoo graph, and the canned provenance and fairness queries.

The canned queries are the `.rq` files of `generator/queries/`. A query file starts with comment
lines: the title, then the description, then one `# param NAME: what it is` line per parameter.
Prefixes (`schema:`, `fair4ml:`, `prov:`, `zoo:`, ...) come from `generator.namespaces`; a query
does not declare them. Nothing here touches the network: a query with `SERVICE` or `FROM` is
refused before it runs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier

from generator.findings import ZooError
from generator.namespaces import DEFAULT_SITE_URL, context

FORMATS = ("table", "json", "csv")
_PARAM = re.compile(r"^param\s+([A-Za-z_]\w*)\s*:\s*(.+)$")


@dataclass(frozen=True, slots=True)
class CannedQuery:
    """One `.rq` file of the package.

    Attributes:
        name: The file's name without `.rq`, as `zoo query NAME` takes it.
        title: Its first comment line.
        description: The comment lines after the title.
        params: Parameter name to what it is, from the `# param` lines.
        text: The SPARQL.
    """

    name: str
    title: str
    description: str
    params: Mapping[str, str]
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """A query's result: its columns and rows, every value as text ("" when unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def canned_queries() -> dict[str, CannedQuery]:
    """The queries shipped in the package, by name, sorted.

    Returns:
        Name to query.
    """
    folder = resources.files("generator") / "queries"
    found = (_parse_query_file(entry.name[:-3], entry.read_text(encoding="utf-8"))
             for entry in folder.iterdir() if entry.name.endswith(".rq"))
    return {query.name: query for query in sorted(found, key=lambda q: q.name)}


def _parse_query_file(name: str, text: str) -> CannedQuery:
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("#").strip())
    params = {m[1]: m[2] for m in map(_PARAM.match, comments) if m}
    prose = [line for line in comments[1:] if not _PARAM.match(line)]
    title = comments[0] if comments else name
    return CannedQuery(name, title, " ".join(prose), params, text)


def run_query(
    graph: Graph, sparql: str, site_url: str, params: Mapping[str, str] | None = None
) -> Table:
    """Run a SELECT query over a graph, offline.

    Args:
        graph: The zoo graph.
        sparql: The query, without prefix declarations for the zoo's namespaces.
        site_url: The site's base URL, for the `zoo:` prefix.
        params: Variable name to a value to bind it to (as a plain literal).

    Returns:
        The result.

    Raises:
        ZooError: When the query does not parse, is not a SELECT, or would load remote data.
    """
    query = _prepare(sparql, site_url)
    bindings: dict[str, Identifier] = {k: Literal(v) for k, v in (params or {}).items()}
    result = graph.query(query, initBindings=bindings)
    if result.type != "SELECT" or result.vars is None:
        raise ZooError("only SELECT queries are supported")
    columns = tuple(str(var) for var in result.vars)
    rows = tuple(tuple(_cell(row[index]) for index in range(len(columns)))  # type: ignore[index]
                 for row in result)
    return Table(columns, rows)


def _prepare(sparql: str, site_url: str) -> Query:
    namespaces = {k: v for k, v in context(site_url).items() if not k.startswith("@")}
    try:
        query = prepareQuery(sparql, initNs=namespaces)
    except Exception as error:  # pyparsing and rdflib raise several kinds
        raise ZooError(f"the query does not parse: {error}") from None
    if query.algebra.get("datasetClause") or any(_services(query.algebra)):
        raise ZooError("refusing a query that loads remote data (SERVICE or FROM)")
    return query


def _services(node: Any) -> Iterator[bool]:
    if isinstance(node, CompValue):
        yield node.name == "ServiceGraphPattern"
        for value in node.values():
            yield from _services(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _services(value)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def format_table(table: Table, style: str) -> str:
    """A result as `zoo query` prints it.

    Args:
        table: The result.
        style: `table` (aligned columns), `json` (an array of objects) or `csv`.

    Returns:
        The text, newline-terminated.
    """
    if style == "json":
        return json.dumps([dict(zip(table.columns, row, strict=True)) for row in table.rows],
                          indent=2, ensure_ascii=False) + "\n"
    if style == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        return out.getvalue()
    return _aligned(table)


def _aligned(table: Table) -> str:
    lines = [table.columns, *table.rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(table.columns))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text) + f"\n({len(table.rows)} rows)\n"


def markdown_table(table: Table) -> str:
    """A result as a Markdown table, with `|` and newlines in values made harmless.

    Args:
        table: The result.

    Returns:
        Markdown; a sentence instead of a table when there are no rows.
    """
    if not table.rows:
        return "No models.\n"
    def line(cells: tuple[str, ...]) -> str:
        escaped = (c.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") for c in cells)
        return "| " + " | ".join(escaped) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    return "\n".join([line(table.columns), rule, *map(line, table.rows)]) + "\n"


class _ConfigLoader(yaml.SafeLoader):
    """Safe loading of `mkdocs.yml` that reads `!!python/name:...` tags as None."""


_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def read_site_url(config_file: Path) -> str:
    """The `site_url` of a `mkdocs.yml`, as the build uses it (ending in `/`).

    Args:
        config_file: The `mkdocs.yml`; it need not exist.

    Returns:
        The URL; the local preview's when the file or the key is absent.

    Raises:
        ZooError: When the file is not YAML.
    """
    if not config_file.is_file():
        return DEFAULT_SITE_URL
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506
    except yaml.YAMLError as error:
        raise ZooError(f"{config_file}: {error}") from None
    url = config.get("site_url") if isinstance(config, dict) else None
    return url.rstrip("/") + "/" if isinstance(url, str) and url else DEFAULT_SITE_URL


def parse_params(pairs: list[str]) -> dict[str, str]:
    """`--param NAME=VALUE` arguments as a mapping.

    Args:
        pairs: The arguments.

    Returns:
        Name to value.

    Raises:
        ZooError: When an argument is not NAME=VALUE.
    """
    params = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ZooError(f"--param {pair}: write NAME=VALUE, e.g. family=INT8")
        params[name] = value
    return params


def resolve(query: str) -> tuple[str, CannedQuery | None]:
    """A `zoo query` argument as SPARQL: a canned query's name, a `.rq` file, or SPARQL itself.

    Args:
        query: The argument.

    Returns:
        The SPARQL, and the canned query when it names one.
    """
    canned = canned_queries().get(query)
    if canned is not None:
        return canned.text, canned
    path = Path(query)
    if query.endswith(".rq") and path.is_file():
        return path.read_text(encoding="utf-8"), None
    return query, None


def listing() -> str:
    """What `zoo query --list` prints: each canned query's name, title and parameters.

    Returns:
        The text.
    """
    lines = []
    for query in canned_queries().values():
        lines.append(f"{query.name}: {query.title}")
        lines.extend(f"    --param {name}=...: {what}" for name, what in query.params.items())
    return "\n".join(lines) + "\n"
