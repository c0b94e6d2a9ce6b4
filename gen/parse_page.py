"""A Fuchsia syscall man page (markdown) -> Page: title, dialect, sections of blocks of words.

markdown-it does the markdown; this module only turns its tokens into words that remember
their emphasis (an *argument*, a **ZX_CONSTANT**, a **call**()) and their source line.
"""
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from diagnostics import GenError

# Heading text (case-folded) -> canonical section name, per dialect family.
SECTION_NAMES = {
    "name": "SUMMARY", "summary": "SUMMARY",
    "synopsis": "SYNOPSIS", "declaration": "SYNOPSIS",
    "description": "DESCRIPTION",
    "rights": "RIGHTS",
    "return value": "RETURN_VALUE",
    "errors": "ERRORS",
    "see also": "SEE_ALSO",
    "notes": "NOTES", "bugs": "BUGS", "examples": "EXAMPLES", "note": "NOTES",
}
DIALECTS = {
    # dialect: (summary heading, synopsis heading, sentence case?)
    "name-synopsis": ("NAME", "SYNOPSIS"),
    "summary-declaration": ("SUMMARY", "DECLARATION"),
    "sentence-case": ("Summary", "Declaration"),
}
CONST_RE = re.compile(r"^ZX_[A-Z0-9_]+$")
IDENT_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
CALL_RE = re.compile(r"^(?:zx_)?([a-z][a-z0-9_]*)\(\)$")
TRAILING_PUNCT = ".,;:"
# "<!-- clause: owner-thread -->" before a sentence or condition pins its id (clause_ids.py).
ANCHOR_RE = re.compile(r"^<!--\s*clause:\s*([a-z0-9][a-z0-9_-]*)\s*-->$")


@dataclass
class Piece:
    style: str  # text, em, strong, code, link, anchor
    text: str
    href: str = ""


@dataclass
class Word:
    kind: str       # text, arg, const, call, code, link, anchor
    name: str       # arg/const/call name, link href, or the lower-cased text
    display: str    # markdown as written
    line: int
    line_start: bool  # first word of its source line
    punct_after: str = ""

    @property
    def key(self):
        """Canonical form used to match meaning: @arg, $CONST, %call, or the plain word."""
        return {"arg": "@", "const": "$", "call": "%"}.get(self.kind, "") + self.name


@dataclass
class Block:
    kind: str   # para, code
    line: int   # 1-based line of the block's first line
    words: list = field(default_factory=list)
    code: str = ""
    info: str = ""


@dataclass
class Section:
    name: str      # canonical name (see SECTION_NAMES) or the heading text
    heading: str   # as written
    line: int
    blocks: list = field(default_factory=list)


@dataclass
class Page:
    path: str
    title: str
    title_line: int
    dialect: str
    sections: list
    stray_anchors: list = field(default_factory=list)  # lines of anchors that begin a line

    def section(self, name):
        found = [s for s in self.sections if s.name == name]
        return found[0] if found else None


_MARKDOWN = MarkdownIt("commonmark")


def _pieces_by_line(inline_token, first_line):
    """Inline children -> list of (line, [Piece]) runs, breaking on soft/hard breaks."""
    line = first_line
    runs = [(line, [])]
    styles = []
    href = ""
    for child in inline_token.children or []:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            line += 1
            runs.append((line, []))
        elif kind in ("em_open", "strong_open"):
            styles.append(kind[:-5])
        elif kind in ("em_close", "strong_close"):
            if styles:
                styles.pop()
        elif kind == "link_open":
            styles.append("link")
            href = child.attrs.get("href", "")
        elif kind == "link_close":
            if styles:
                styles.pop()
        elif kind == "html_inline" and ANCHOR_RE.match(child.content.strip()):
            runs[-1][1].append(Piece("anchor", ANCHOR_RE.match(child.content.strip()).group(1)))
        elif kind == "code_inline":
            runs[-1][1].append(Piece("code", child.content))
        elif kind == "text":
            style = "link" if "link" in styles else (styles[-1] if styles else "text")
            runs[-1][1].append(Piece(style, child.content, href if style == "link" else ""))
    return runs


def _split_pieces_into_words(pieces):
    """Glue adjacent pieces into whitespace-separated words: '*guest*,' is one word."""
    words, current = [], []
    for piece in pieces:
        if piece.style == "anchor":  # a word of its own, never glued to its neighbours
            if current:
                words.append(current)
            words.append([piece])
            current = []
            continue
        if piece.style != "text":
            current.append(piece)
            continue
        parts = re.split(r"(\s+)", piece.text)
        for part in parts:
            if not part:
                continue
            if part.isspace():
                if current:
                    words.append(current)
                current = []
            else:
                current.append(Piece("text", part))
    if current:
        words.append(current)
    return words


def _classify(pieces, line, line_start):
    if pieces[0].style == "anchor":
        return Word("anchor", pieces[0].text, "", line, line_start)
    display = "".join(_display(p) for p in pieces)
    core_index = next((i for i, p in enumerate(pieces) if p.style != "text"), None)
    text_after = "".join(p.text for p in pieces[core_index + 1:]) if core_index is not None else ""
    if core_index is None:
        raw = "".join(p.text for p in pieces)
        stripped = raw.rstrip(TRAILING_PUNCT)
        punct = raw[len(stripped):]
        if CONST_RE.match(stripped):  # a bare ZX_OK in running text
            return Word("const", stripped, display, line, line_start, punct)
        return Word("text", stripped.lower().strip("()"), display, line, line_start, punct)
    core = pieces[core_index]
    punct = text_after[len(text_after.rstrip(TRAILING_PUNCT)):]
    content = core.text.strip()
    call = CALL_RE.match(content)
    if core.style == "link":
        kind, name = "link", core.href or content
    elif CONST_RE.match(content):
        kind, name = "const", content
    elif call:
        kind, name = "call", "zx_" + call.group(1)
    elif core.style == "strong" and IDENT_RE.match(content):
        kind, name = "call", content if content.startswith("zx_") else "zx_" + content
    elif core.style == "em" and IDENT_RE.match(content):
        kind, name = "arg", content
    else:
        kind, name = "code" if core.style == "code" else "text", content.lower()
    return Word(kind, name, display, line, line_start, punct)


def _display(piece):
    return {"em": "*{}*", "strong": "**{}**", "code": "`{}`"}.get(piece.style, "{}").format(
        piece.text) if piece.style != "link" else f"[{piece.text}]({piece.href})"


def inline_words(inline_token, first_line):
    words = []
    for line, pieces in _pieces_by_line(inline_token, first_line):
        for index, word_pieces in enumerate(_split_pieces_into_words(pieces)):
            words.append(_classify(word_pieces, line, index == 0))
    return words


def _dialect(path, sections):
    headings = {s.heading for s in sections}
    for dialect, (summary, synopsis) in DIALECTS.items():
        if synopsis in headings or summary in headings:
            return dialect
    names = ", ".join(sorted(headings)) or "none"
    raise GenError(path, 1, f"not a man page: no NAME/SYNOPSIS, SUMMARY/DECLARATION or "
                            f"Summary/Declaration headings (found: {names})")


def parse_page(path, text=None):
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    tokens = _MARKDOWN.parse(text)
    title, title_line = None, 0
    sections, stray_anchors = [], []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        line = token.map[0] + 1 if token.map else 0
        if token.type == "heading_open":
            heading = tokens[i + 1].content.strip()
            if token.tag == "h1" and title is None:
                title, title_line = heading, line
            elif token.tag == "h2":
                name = SECTION_NAMES.get(heading.lower(), heading)
                sections.append(Section(name, heading, line))
            i += 3
            continue
        if sections and token.type == "inline" and tokens[i - 1].type != "heading_open":
            sections[-1].blocks.append(Block("para", line, inline_words(token, line)))
        elif token.type == "html_block" and token.content.startswith("<!-- clause:"):
            stray_anchors.append(line)
        elif sections and token.type in ("fence", "code_block"):
            sections[-1].blocks.append(Block("code", line + (token.type == "fence"),
                                             code=token.content, info=token.info))
        i += 1
    if title is None:
        raise GenError(path, 1, "not a man page: no '# zx_<call>' title")
    return Page(path, title, title_line, _dialect(path, sections), sections, stray_anchors)
