"""Old and odd page structure, rewritten into what trafilatura reads as paragraphs.

Three shapes of pages made before CSS layouts (and of some made since), found by structure:

- **Frames**: a ``<frameset>`` page holds its text, if any, in ``<noframes>``, which the HTML
  parser keeps as raw text; it is parsed and becomes the body.
- **Layout tables**: a table with a cell that holds paragraphs or a long run of prose lays out the
  page (navigation in one cell, the story in another); trafilatura writes every table as rows
  of ``| cell |``, the story and the menu on one line. Such tables become plain blocks.
  Data tables (short cells) stay tables.
- **``<br><br>`` paragraphs**: text split into paragraphs by blank lines of ``<br>`` alone, in
  an element without ``<p>``; each run becomes a ``<p>``.
"""

from __future__ import annotations

import re

from lxml import etree, html

LAYOUT_CELL_WORDS = 60  # a table cell with this much text of its own is page layout, not data
LOOSE_TEXT_WORDS = 8  # loose text beside blocks this long is a paragraph
_BLOCKS = {"p", "div", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "article", "section"}
_WORD = re.compile(r"\w+")
_WITH_BREAKS = etree.XPath(
    "//*[self::div or self::td or self::body or self::font or self::center or self::span or self::blockquote][br]"
)


def normalise(tree: etree._Element) -> etree._Element:
    tree = _unframe(tree)
    for table in list(tree.iter("table")):
        if _is_layout(table):
            _unwrap_table(table)
    # Only elements with a <br> child can be split, and splitting one gives no other element a
    # <br> child (its children move into new <p>s): they are all found at once, in document order.
    for element in _WITH_BREAKS(tree):
        _split_on_double_breaks(element)
    for element in list(tree.iter("body", "td", "center")):  # not div: modern pages put loose text there on purpose
        _wrap_loose_text(element)
    return tree


def _unframe(tree: etree._Element) -> etree._Element:
    if tree.find(".//frameset") is None:
        return tree
    noframes = tree.find(".//noframes")
    if noframes is None or "<" not in (noframes.text or ""):
        return tree
    inner = html.fromstring(f"<html><body>{noframes.text}</body></html>")
    body = inner.find(".//body")
    head = tree.find("head")
    if body is None:
        return tree
    for child in list(tree):
        if child is not head:
            tree.remove(child)
    tree.append(body)
    return tree


def _is_layout(table: etree._Element) -> bool:
    for cell in table.iter("td", "th"):
        if cell.getparent() is None:
            continue
        if sum(child.tag == "p" for child in cell) >= 2:  # paragraphs in a cell: a story laid out in a table
            return True
        words = len(_WORD.findall(" ".join(cell.itertext())))
        nested = sum(len(_WORD.findall(" ".join(t.itertext()))) for t in cell.iter("table"))
        if words - nested >= LAYOUT_CELL_WORDS:
            return True
    return False


def _unwrap_table(table: etree._Element) -> None:
    for element in [table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th", "caption")]:
        if element is table or _nearest_table(element) is table:
            element.tag = "div"
            for attribute in ("width", "height", "colspan", "rowspan", "valign", "align", "bgcolor"):
                element.attrib.pop(attribute, None)


def _nearest_table(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag not in ("table", "div"):
        parent = parent.getparent()
    return parent


def _split_on_double_breaks(element: etree._Element) -> None:
    """Runs of inline content between two or more consecutive ``<br>`` become ``<p>``s."""
    children = list(element)
    if any(child.tag == "p" for child in children):
        return  # paragraphs of its own: not a page written with <br><br>
    boundary: set[int] = set()  # indexes of the <br>s in runs of two or more
    starts: set[int] = set()  # ... and of the first <br> of each run
    i = 0
    while i < len(children):
        j = i
        while (
            children[i].tag == "br"
            and j + 1 < len(children)
            and children[j + 1].tag == "br"
            and _blank(children[j].tail)
        ):
            j += 1
        if j > i:
            boundary.update(range(i, j + 1))
            starts.add(i)
        i = j + 1
    if not boundary:
        return
    runs: list[list] = [[element.text or ""]]
    for index, child in enumerate(children):
        if index in boundary:
            if index in starts:
                runs.append([])
            runs[-1].append(child.tail or "")
        elif isinstance(child.tag, str) and child.tag in _BLOCKS:  # a heading, a table: a block of its own
            tail, child.tail = child.tail, None
            runs += [[child], [tail or ""]]
        else:
            runs[-1].append(child)
    if sum(len(_WORD.findall(" ".join(_texts(run)))) >= LOOSE_TEXT_WORDS for run in runs) < 2:
        return  # an address, a list of links, a caption: not paragraphs of prose
    element.text = None
    for child in children:
        element.remove(child)
    for run in runs:
        if len(run) == 1 and not isinstance(run[0], str) and run[0].tag in _BLOCKS:
            element.append(run[0])
        elif any(not isinstance(part, str) or part.strip() for part in run):
            paragraph = etree.SubElement(element, "p")
            for part in run:
                if isinstance(part, str):
                    _append_text(paragraph, part)
                else:
                    paragraph.append(part)


def _wrap_loose_text(element: etree._Element) -> None:
    """Prose standing loose beside blocks (before the first ``<p>``, between two ``<div>``s) is a
    paragraph of its own: trafilatura reads blocks and drops such text."""
    if not any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element):
        return
    if len(_WORD.findall(element.text or "")) >= LOOSE_TEXT_WORDS:
        paragraph = etree.Element("p")
        paragraph.text, element.text = element.text, None
        element.insert(0, paragraph)
    for child in list(element):
        if (
            isinstance(child.tag, str)
            and child.tag in _BLOCKS
            and len(_WORD.findall(child.tail or "")) >= LOOSE_TEXT_WORDS
        ):
            paragraph = etree.Element("p")
            paragraph.text, child.tail = child.tail, None
            child.addnext(paragraph)


def _texts(run: list) -> list[str]:
    return [part if isinstance(part, str) else " ".join(part.itertext()) + (part.tail or "") for part in run]


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _append_text(element: etree._Element, text: str) -> None:
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text
