"""Reading an HTML block of a panel (`layouts.html_block`) as tests read components: its
texts in order, and its links as the pattern ids of the panel's other links."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from layouts.ids import PanelIds


@dataclass
class BlockNode:
    """An element of a block: its tag, attributes and (for a link) its pattern id."""

    tag: str
    attributes: dict[str, str | None]
    children: list[Any] = field(default_factory=list)

    @property
    def id(self) -> dict[str, str] | None:
        if "data-scale" not in self.attributes:
            return None
        return {
            "type": PanelIds.SELECT_LINK_TYPE,
            "scale": self.attributes["data-scale"] or "",
            "code": self.attributes["data-code"] or "",
        }

    @property
    def className(self) -> str:  # the name Dash components give it
        return self.attributes.get("class") or ""


VOID = frozenset({"br", "hr", "img", "input", "wbr"})


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = BlockNode("root", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = BlockNode(tag, dict(attrs))
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.open) > 1 and self.open.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def block_nodes(markup: str) -> list[Any]:
    """The elements and texts at the top of a block, each element with its children."""
    parser = _Parser()
    parser.feed(markup)
    parser.close()
    return parser.root.children
