"""The rich-ish text of a scenario's Contexte: paragraphs and lists, never HTML.

A value is stored as the text the teacher typed, cleaned (``clean_text``), and turned into
HTML only when shown (``render_html``), by this module alone, which writes four tags
(``<p>``, ``<br>``, ``<ul>``/``<ol>``, ``<li>``) and links (``<a>``, from Django's
``urlize``: http(s) and www addresses, e-mail addresses) around text it escapes itself. No
HTML typed or imported is ever parsed or kept: « <script> » typed in a field is shown as
those characters. The same text is exported (``scenario/1``) and printed (fiche scénario).

What the teacher types::

    Un paragraphe, sur une
    ou plusieurs lignes.

    - une liste à puces (« - », « * » ou « • » en début de ligne)
    - deuxième élément

    1. une liste numérotée (« 1. » ou « 1) »)
    2. deuxième élément
"""

import re
import unicodedata

from django.utils.html import conditional_escape, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe

MAX_LENGTH = 10_000
HELP_TEXT = (
    "Séparez les paragraphes par une ligne vide. Commencez une ligne par « - » pour une "
    "liste à puces, par « 1. » pour une liste numérotée. Les adresses web deviennent des liens."
)

BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def clean_text(value: str | None) -> str:
    """The text as stored: line ends unified, control and format characters dropped (tabs
    become spaces), spaces at line ends removed, at most one empty line in a row."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    kept = []
    for char in value:
        if char == "\n":
            kept.append(char)
            continue
        category = unicodedata.category(char)
        # Cc: controls (NUL…); Cf: format (bidi overrides, zero-width…); Cs, Co, Cn: none.
        if category.startswith("C"):
            continue
        kept.append(char)
    lines = [line.rstrip() for line in "".join(kept).split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n ")


def text_problem(value: str, *, label: str) -> str | None:
    """What is wrong with a cleaned value (too long), in French; None when fine."""
    if len(value) > MAX_LENGTH:
        return (
            f"Le champ « {label} » compte {len(value)} caractères : au plus {MAX_LENGTH}. "
            "Raccourcissez-le ou placez le détail dans une ressource jointe."
        )
    return None


def _inline(text: str) -> SafeString:
    # urlize escapes everything that is not a link it writes (autoescape=True); it returns a
    # plain str, hence mark_safe (as Django's own « urlize » filter does).
    return mark_safe(urlize(text, nofollow=True, autoescape=True))


def blocks(value: str) -> list[tuple[str, list[str]]]:
    """The text as blocks: ``("p", lines)``, ``("ul", items)`` or ``("ol", items)``."""
    result: list[tuple[str, list[str]]] = []
    for chunk in re.split(r"\n\s*\n", clean_text(value)):
        current_kind, current = "", []
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            bullet, numbered = BULLET.match(line), NUMBERED.match(line)
            kind, content = (
                ("ul", bullet.group(1))
                if bullet
                else ("ol", numbered.group(1))
                if numbered
                else ("p", line.strip())
            )
            if kind == "p" and current_kind in ("ul", "ol") and line[:1].isspace():
                # An indented line continues the list item above it.
                current[-1] = f"{current[-1]} {content}"
                continue
            if kind != current_kind and current:
                result.append((current_kind, current))
                current = []
            current_kind = kind
            current.append(content)
        if current:
            result.append((current_kind, current))
    return result


def render_html(value: str) -> SafeString:
    """The HTML of a stored value (see the module's docstring); "" for an empty one."""
    parts = []
    for kind, lines in blocks(value):
        if kind == "p":
            inner = mark_safe("<br>".join(conditional_escape(_inline(line)) for line in lines))
            parts.append(format_html_join("", "<p>{}</p>", [(inner,)]))
        else:
            items = format_html_join("", "<li>{}</li>", ((_inline(item),) for item in lines))
            parts.append(mark_safe(f"<{kind}>{items}</{kind}>"))
    return mark_safe("".join(parts))
