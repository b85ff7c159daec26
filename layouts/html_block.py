"""Static parts of a panel as one block of HTML: one component for the browser instead of
one per cell.

The Dash renderer pays for every component on each update of its store (a callback's
answer updates it several times), so that a panel of ~600 components made every click
and every change of indicator cost seconds of scripting. A table without inputs is built
here as one string, every text and attribute value escaped, and shown by DOMPurify
(`dash_extensions.Purify`): data never becomes markup.

Its links are buttons that name a zone or residence (`select_link`); assets/panel_links.js
turns a click on one into a click on the map (the `MapIds.CLICKED` store), which the
explorer state follows as it follows the panel's other links.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from html import escape
from typing import Any

from dash_extensions import Purify

from layouts.ids import MapIds

SELECT_LINK_CLASS = "btn btn-link panel-link"

Content = str | Iterable[Any] | None  # text, markup, or a sequence of them


class Markup(str):
    """HTML built by `element`, to be nested as it is; any other `str` is text."""


def markup(content: Content) -> Markup:
    """Text escaped, markup kept, sequences joined; None is nothing."""
    if content is None:
        return Markup("")
    if isinstance(content, Markup):
        return content
    if isinstance(content, str):
        return Markup(escape(content, quote=False))
    return Markup("".join([markup(piece) for piece in content]))


def element(tag: str, content: Content = None, **attributes: object) -> Markup:
    """`<tag attributes>content</tag>`; an attribute `class_` or `data_x` is written
    `class` or `data-x`, one that is None is left out."""
    written = "".join(
        [
            f' {_attribute_name(name)}="{escape(str(value))}"'
            for name, value in attributes.items()
            if value is not None
        ]
    )
    return Markup(f"<{tag}{written}>{markup(content)}</{tag}>")


@functools.cache
def _attribute_name(keyword: str) -> str:
    """`class_` -> `class`, `data_x` -> `data-x` (a zone's panel writes ~400 elements)."""
    return keyword.rstrip("_").replace("_", "-")


def select_link(scale: str, code: str, text: str) -> Markup:
    """A link-styled button that opens a zone or residence, as the panel's other links."""
    return element(
        "button",
        text,
        type="button",
        class_=SELECT_LINK_CLASS,
        data_store=MapIds.CLICKED,
        data_scale=scale,
        data_code=code,
    )


def html_block(content: Markup, class_name: str | None = None) -> Purify:
    """One component showing `content` (built by `element`)."""
    return Purify(html=content, className=class_name)
