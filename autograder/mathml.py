"""Formulas as MathML made when a page is written, so that it shows them with nothing fetched.

nbconvert's HTML leaves ``$...$`` in the page for MathJax, which it loads from a CDN: a student
who opens their feedback offline reads raw LaTeX. :class:`MathMLRenderer` is nbconvert's
Markdown renderer with each formula converted by `latex2mathml
<https://pypi.org/project/latex2mathml/>`_ and cleaned by nh3 (MathML elements and layout
attributes only: a student's ``\\href`` or ``\\text{<script>}`` becomes nothing active). A
formula latex2mathml cannot read stays as its LaTeX source, escaped.
"""

from __future__ import annotations

import html

import nh3
from latex2mathml.converter import convert
from nbconvert.filters.markdown_mistune import IPythonRenderer

#: MathML elements a formula may use (Presentation MathML), and their layout attributes.
TAGS = frozenset({
    "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
    "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror",
    "mfenced", "semantics", "annotation",
})
_LAYOUT = {"mathvariant", "displaystyle", "scriptlevel", "stretchy", "fence", "separator", "lspace", "rspace", "form",
           "largeop", "movablelimits", "accent", "accentunder", "linethickness", "width", "height", "depth",
           "notation", "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "frame",
           "open", "close", "separators", "minsize", "maxsize", "symmetric"}
ATTRIBUTES = {tag: set(_LAYOUT) for tag in TAGS} | {"math": {"display", "xmlns", *_LAYOUT}}


def to_mathml(latex: str, display: bool = False) -> str:
    """``latex`` as a MathML ``<math>`` element (block when ``display``), or the escaped LaTeX
    between its dollars when latex2mathml cannot read it."""
    try:
        converted = convert(latex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - latex2mathml raises many kinds on what it cannot read
        dollars = "$$" if display else "$"
        return f"{dollars}{html.escape(latex, quote=False)}{dollars}"
    return nh3.clean(converted, tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(), strip_comments=True)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's Markdown-to-HTML renderer, with formulas as MathML (see the module)."""

    def block_math(self, body: str) -> str:
        return to_mathml(body, display=True)

    def inline_math(self, body: str) -> str:
        return to_mathml(body)

    def latex_environment(self, name: str, body: str) -> str:
        return to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)
