"""Semantic pages: the vocabulary page and the "Provenance and fairness report", as Markdown.

Both are generated at build time from the zoo graph. Their anchors are IRIs of the graph: each
project term's IRI (`{site}vocab/#term`) and each dataset's (`{site}report/#dataset-...`) leads
to its entry on these pages. Links to the graph files are raw HTML, because those files are
written after the build and mkdocs would report Markdown links to them as broken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Graph

from generator.graph import GRAPH_FILES
from generator.query import Table, canned_queries, markdown_table, run_query
from generator.vocab import vocab_markdown

if TYPE_CHECKING:  # generator.site lists this module's pages
    from generator.site import Publication

_DATASETS = """
SELECT ?dataset ?name ?identifier ?partOf WHERE {
  ?dataset a schema:Dataset ; schema:name ?name .
  FILTER NOT EXISTS { ?dataset a fair4ml:MLModel }
  OPTIONAL { ?dataset schema:identifier ?identifier }
  OPTIONAL { ?dataset schema:isPartOf/schema:name ?partOf }
}
ORDER BY ?dataset
"""


def vocab_page(publication: Publication) -> str:
    """The `/vocab/` page (the same for every zoo).

    Args:
        publication: The build's publication (only its site URL).

    Returns:
        Markdown.
    """
    return vocab_markdown(publication.site_url)


def report_page(publication: Publication) -> str:
    """The "Provenance and fairness report": each canned query's result, and the datasets.

    Args:
        publication: The build's publication: its zoo graph is what the queries run over.

    Returns:
        Markdown.
    """
    zoo, site_url, graph = publication.zoo, publication.site_url, publication.graph
    files = ", ".join(f'<a href="../{name}">{name}</a>' for name in GRAPH_FILES)
    sections = [
        "# Provenance and fairness report\n\nWhat the zoo's cards state about data, lineage, "
        f"licenses and precision, as SPARQL over the zoo graph ({files}; terms on the "
        '<a href="../vocab/">vocabulary</a> page). Run any of these with '
        "`zoo query NAME`; `zoo query --list` lists them.\n"
    ]
    ids = {record.id for record in zoo.records}
    for query in canned_queries().values():
        table = _linked(run_query(graph, query.text, site_url), ids)
        sections.append(f"## {query.title}\n\n{query.description} (`zoo query {query.name}`)\n\n"
                        f"{markdown_table(table)}")
    sections.append(_datasets_section(graph, site_url))
    return "\n".join(sections)


def _linked(table: Table, ids: set[str]) -> Table:
    """The table with each model id as a link to the model's page."""
    rows = tuple(tuple(f"[{cell}](models/{cell}/README.md)" if cell in ids else cell
                       for cell in row) for row in table.rows)
    return Table(table.columns, rows)


def _datasets_section(graph: Graph, site_url: str) -> str:
    table = run_query(graph, _DATASETS, site_url)
    rows = tuple(
        (f'<a id="{iri.partition("#")[2]}"></a>{name}', identifier, part_of)
        for iri, name, identifier, part_of in table.rows
    )
    listed = markdown_table(Table(("Dataset", "Identifier", "Part of"), rows))
    intro = "Every dataset the cards name, and the splits of it they use."
    return f"## Datasets\n\n{intro}\n\n{listed}"
