"""Every namespace the zoo's graphs use, and the one JSON-LD `@context` made from them.

No JSON-LD processing here or anywhere else in the project may touch the network: the context is
inline, and pyld's document loader refuses every remote URL.
"""

from __future__ import annotations

from typing import Any, NoReturn

from rdflib import Namespace
from rdflib.namespace import PROV, SDO, XSD

from generator.findings import ZooError

FAIR4ML = Namespace("https://w3id.org/fair4ml#")
SPDX_LICENSES = "https://spdx.org/licenses/"
__all__ = ["FAIR4ML", "PROV", "SDO", "SPDX_LICENSES", "XSD", "context", "expand_offline",
           "refuse_remote", "vocab"]

DEFAULT_SITE_URL = "http://127.0.0.1:8000/"
"""The base IRI when `site_url` is not configured: where `mkdocs serve` shows the site."""


def vocab(site_url: str) -> Namespace:
    """The project's own terms, under the site's URL so that they dereference to `/vocab/`.

    Args:
        site_url: The site's base URL, ending in `/`.

    Returns:
        The namespace of the project vocabulary.
    """
    return Namespace(f"{site_url}vocab/#")


def context(site_url: str) -> dict[str, Any]:
    """The inline JSON-LD `@context` of every document the zoo publishes.

    Args:
        site_url: The site's base URL, ending in `/`.

    Returns:
        The context, ready to go under `@context`.
    """
    return {
        "@vocab": str(SDO),
        "schema": str(SDO),
        "fair4ml": str(FAIR4ML),
        "prov": str(PROV),
        "xsd": str(XSD),
        "zoo": str(vocab(site_url)),
    }


def refuse_remote(url: str, options: dict[str, Any] | None = None) -> NoReturn:
    """A pyld document loader that loads nothing: the zoo never fetches a remote context.

    Args:
        url: The document pyld was asked to load.
        options: pyld's loader options (unused).

    Raises:
        ZooError: Always.
    """
    raise ZooError(f"refusing to fetch a remote JSON-LD document: {url}")


def expand_offline(document: dict[str, Any], base: str | None = None) -> list[Any]:
    """Expand a JSON-LD document with pyld, refusing every remote context.

    Args:
        document: The compact document.
        base: The base IRI for relative references, such as the page's URL.

    Returns:
        The expanded document.

    Raises:
        ZooError: When the document names a remote context (wrapped by pyld's `JsonLdError`).
    """
    from pyld import jsonld

    options: dict[str, Any] = {"documentLoader": refuse_remote}
    if base is not None:
        options["base"] = base
    expanded: list[Any] = jsonld.expand(document, options)
    return expanded
