"""A student's notebook as data, never as active content, wherever a person opens it.

nbconvert's HTML export (feedback) and formgrader (inside the instructor's authenticated
Jupyter session) write a notebook's HTML outputs and the raw HTML of its markdown cells
into the page as they are. :class:`SanitizeNotebook` runs last in autograding (so the
autograded notebook that formgrader, feedback and JupyterLab open is already clean) and
again before feedback is exported. Every output and cell is rebuilt from what is known to
be safe:

* ``text/html`` is cleaned by `nh3 <https://nh3.readthedocs.io>`_ (the Ammonia sanitiser):
  no scripts, styles, frames, forms, event handlers, ``id``/``class`` attributes; links only
  to ``http``/``https``/``mailto``/``#``; images only from embedded ``data:image/...``, so
  nothing is loaded from elsewhere;
* ``image/svg+xml`` is shown as an ``<img>`` of itself (a browser runs no script and loads
  nothing from an SVG in an image); PNG, JPEG and GIF stay, if they are base64;
* ``text/markdown`` outputs and markdown cells are kept as they are when they hold no raw
  HTML, no link with a harmful protocol and no image from elsewhere (checked with
  nbconvert's own markdown renderer: its escaping output and its unescaped output must
  agree); otherwise they are shown as text (the HTML visible, not run), with a note; raw
  cells are cleaned like HTML;
* JavaScript, widget views and any other type are dropped (a note says which); stream and
  error outputs are rebuilt with their plain fields only;
* a cell whose output lost something gets a note output saying what was removed.
"""

from __future__ import annotations

import base64
import binascii
import re
from html.parser import HTMLParser

import nh3
from nbconvert.exporters.exporter import ResourcesDict
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbformat import v4
from nbformat.notebooknode import NotebookNode, from_dict
from traitlets import Bool

NOTE = "[autograder] "
#: Markdown and raw cells that held active content carry this tag.
MARKED = "autograder-sanitized"

_RASTER = ("image/png", "image/jpeg", "image/gif")
_WIDGETS = ("application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")
#: What is left of a widget's output: a live widget shows nothing without its kernel.
WIDGET_TEXT = "[an interactive widget: run the cell in JupyterLab to use it]"
_IMAGE_DATA = re.compile(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*", re.IGNORECASE)
_LOCAL_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);|attachment:|(?![a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)",
                          re.IGNORECASE)
_LINK = re.compile(r"(https?:|mailto:|#)", re.IGNORECASE)
_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_TAGS = nh3.ALLOWED_TAGS - {"area", "map"}
_ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items() if tag in _TAGS}


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Keep a URL only when it points nowhere outside the page: embedded images, plain links."""
    value_start = value.strip()
    if name in ("src", "srcset", "cite", "longdesc", "background", "poster"):
        return value if tag == "img" and name == "src" and _IMAGE_DATA.fullmatch(value_start) else None
    if name == "href":
        return value if _LINK.match(value_start) else None
    return value


def clean_html(html: str) -> str:
    """``html`` with everything active removed (nh3 with this module's allow-list)."""
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, attribute_filter=_attribute,
                     url_schemes={"http", "https", "mailto", "data"}, strip_comments=True)


class _Inventory(HTMLParser):
    """Which tags and attributes an HTML fragment uses (to tell what cleaning removed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add(f"<{tag}>")
        for name, value in attrs:
            self.found.add(f"{name}=" if not (value or "").strip().lower().startswith("javascript:")
                           else f"{name}=javascript:")


def _inventory(html: str) -> set[str]:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.found


#: Removed too, but not worth a note on an honest table or figure.
_UNREMARKABLE = {"<style>", "class=", "style=", "id=", "border=", "<tbody>"}


def removed(html: str, cleaned: str) -> list[str]:
    """What cleaning took out of ``html`` that could act, in words (``<script>``, ``onerror=``...)."""
    return sorted(_inventory(html) - _inventory(cleaned) - _UNREMARKABLE)


class _InertRenderer(IPythonRenderer):
    """nbconvert's renderer with raw HTML escaped, harmful link protocols blocked and images
    only from the notebook itself (embedded, attached or a relative path)."""

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return super().image(text, url, title) if _LOCAL_IMAGE.match(url.strip()) else text


def _render(source: str, safe: bool, attachments: dict | None) -> str:
    kind = _InertRenderer if safe else IPythonRenderer
    renderer = kind(escape=safe, allow_harmful_protocols=not safe, exclude_anchor_links=True,
                    attachments=attachments or {})
    return MarkdownWithMath(renderer=renderer).render(source)


#: What the two renders of :func:`markdown_is_inert` can differ on needs one of these: ``<``
#: (raw HTML, autolinks), ``[`` (links, images, link definitions), ``&`` (character references,
#: which only the render without escaping decodes). Bare ``http://``/``www.`` links are the same
#: in both. ``tests/test_hostile_html.py`` renders random Markdown without them both ways.
_MAY_DIFFER = re.compile(r"[<\[&]")


def markdown_is_inert(source: str, attachments: dict | None = None) -> bool:
    """True when nbconvert renders ``source`` the same with raw HTML escaped, harmful link
    protocols blocked and remote images dropped as without: it holds no raw HTML, no such
    link and no image from elsewhere. Markdown that nbconvert cannot render (an image of a
    missing attachment) is not inert: it is shown as text rather than break the export."""
    try:
        if not _MAY_DIFFER.search(source):   # both renders are the same: one, for its errors
            _render(source, True, attachments)
            return True
        return _render(source, True, attachments) == _render(source, False, attachments)
    except Exception:  # noqa: BLE001 - whatever nbconvert rejects is shown as text
        return False


def markdown_as_text(source: str, why: str) -> str:
    """Markdown that shows ``source`` as text (a fenced block nothing can close), with a note."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", source)), default=0))
    return f"*{NOTE}{why}; shown as text.*\n\n{fence}text\n{source}\n{fence}\n"


def _note(text: str) -> NotebookNode:
    return v4.new_output("stream", name="stdout", text=f"{NOTE}{text}\n")


def _base64(text: object) -> str | None:
    if not isinstance(text, str) or not _BASE64.fullmatch(text):
        return None
    try:
        base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return text


def _text(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


def _bundle(data: dict, notes: list[str]) -> dict[str, str]:
    """A mime bundle with only safe types, cleaned; what was dropped goes to ``notes``. A
    widget's bundle becomes :data:`WIDGET_TEXT` alone, without a note, whatever else it holds
    (its text repr, ``LiveFigure(children=(HBox(...``, says nothing to a reader, and a live
    widget shows nothing without its kernel; the feedback shows a note in its place)."""
    if any(kind in _WIDGETS for kind in data):
        return {"text/plain": WIDGET_TEXT}
    kept: dict[str, str] = {}
    for kind, value in data.items():
        if kind == "text/plain":
            kept[kind] = _text(value)
        elif kind in _RASTER:
            if (image := _base64(value)) is not None:
                kept[kind] = image
            else:
                notes.append(f"an output of type {kind} that is not base64 data was removed")
        elif kind == "image/svg+xml":
            svg = base64.b64encode(_text(value).encode("utf-8")).decode("ascii")
            kept["text/html"] = f'<img src="data:image/svg+xml;base64,{svg}" alt="SVG figure">'
        elif kind == "text/html":
            html = _text(value)
            cleaned = clean_html(html)
            if lost := removed(html, cleaned):
                notes.append(f"removed from an HTML output: {', '.join(lost)}")
            kept.setdefault(kind, cleaned)
        elif kind == "text/markdown":
            source = _text(value)
            if markdown_is_inert(source):
                kept[kind] = source
            else:
                kept.setdefault("text/plain", source)
                notes.append("a Markdown output with raw HTML or a harmful link is shown as text")
        elif kind == "text/latex":
            kept[kind] = _text(value)   # rendered by MathJax with its Safe extension
        elif kind not in _WIDGETS:   # a widget shows nothing without a live kernel: no note
            notes.append(f"an output of type {kind[:60]} was removed")
    return kept


def _output(output: dict, notes: list[str]) -> NotebookNode | None:
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return v4.new_output("stream", name=name, text=_text(output.get("text", "")))
    if kind == "error":
        return v4.new_output("error", ename=_text(output.get("ename", "")), evalue=_text(output.get("evalue", "")),
                             traceback=[_text(line) for line in output.get("traceback", []) or []])
    if kind in ("display_data", "execute_result"):
        data = _bundle(dict(output.get("data", {}) or {}), notes)
        if not data:
            return None
        metadata = {}
        for image, meta in (output.get("metadata", {}) or {}).items():
            if image in data and isinstance(meta, dict):
                size = {k: v for k, v in meta.items() if k in ("width", "height") and isinstance(v, int)}
                if size:
                    metadata[image] = size
        if kind == "execute_result":
            count = output.get("execution_count")
            return v4.new_output(kind, data=data, metadata=metadata,
                                 execution_count=count if isinstance(count, int) else None)
        return v4.new_output(kind, data=data, metadata=metadata)
    notes.append(f"an output of type {str(kind)[:40]!r} was removed")
    return None


def _mark(cell: NotebookNode) -> None:
    tags = cell.metadata.get("tags")
    tags = [str(t) for t in tags] if isinstance(tags, list) else []
    cell.metadata["tags"] = list(dict.fromkeys([*tags, MARKED]))


def sanitize_cell(cell: NotebookNode, index: int) -> None:
    """Make one cell inert, in place (see the module's description)."""
    if not _CELL_ID.fullmatch(str(cell.get("id", ""))):
        if "id" in cell:
            cell["id"] = f"cell-{index}"
    if "attachments" in cell:
        attachments = {}
        for name, bundle in (cell.get("attachments") or {}).items():
            images = {k: v for k, v in (bundle or {}).items() if k in _RASTER and _base64(v) is not None}
            if images:
                attachments[str(name)] = images
        cell["attachments"] = from_dict(attachments)
    if cell.cell_type == "markdown":
        source = _text(cell.source)
        if not markdown_is_inert(source, cell.get("attachments")):
            cell.source = markdown_as_text(source, "this answer held raw HTML, a link with a harmful protocol or "
                                                   "an image from elsewhere")
            _mark(cell)
    elif cell.cell_type == "raw":
        source = _text(cell.source)
        cell.metadata.pop("format", None)
        cell.metadata.pop("raw_mimetype", None)
        cleaned = clean_html(source)   # idempotent: sanitising twice changes nothing more
        if cleaned != source:
            cell.source = cleaned
            _mark(cell)
    elif cell.cell_type == "code":
        count = cell.get("execution_count")
        cell.execution_count = count if isinstance(count, int) else None
        notes: list[str] = []
        outputs = [_output(o, notes) for o in cell.get("outputs", [])]
        cell.outputs = [o for o in outputs if o is not None]
        if notes:
            cell.outputs.append(_note("; ".join(dict.fromkeys(notes)) + " (the grader shows outputs as data only)"))


def sanitize(nb: NotebookNode) -> NotebookNode:
    """The notebook made inert, in place: every cell, and no widget state."""
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        sanitize_cell(cell, index)
    return nb


class SanitizeNotebook(Preprocessor):
    """The nbconvert/nbgrader preprocessor: :func:`sanitize` on the whole notebook."""

    enabled = Bool(True, help="Sanitise (nbconvert's preprocessors are off unless enabled).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        return sanitize(nb), resources
