"""Text typed or imported: names cleaned, search keys folded, spreadsheet cells made inert.

Pure functions, no Django: the parsers of national files use them as the forms do.

- ``clean_name`` / ``clean_text``: what a name may hold. Invisible characters are dropped
  (control characters, zero-width characters, bidi embeddings/overrides/isolates, soft
  hyphens, byte-order marks…), any run of white space becomes one space, the text is
  NFC-normalised. A name whose letter carries more than ``MAX_MARKS`` combining marks
  (« Zalgo » text) is refused by ``clean_name``: removing marks would change the letters.
- ``fold``: the key searches and sorts compare (« LEFÈVRE » → « lefevre », « N’DIAYE » →
  « ndiaye », « Cœur » → « coeur »). The database computes the same key
  (``carnet.core.search.Folded``): one table, applied by Python here and by SQL there.
- ``spreadsheet_safe``: a cell of a CSV/XLSX export that a spreadsheet would run as a
  formula gets a leading apostrophe.
"""

import re
import unicodedata

MAX_MARKS = 3  # combining marks on one letter: Vietnamese needs 2 (« ệ »), French 1


class NameRefused(ValueError):
    """A name that cannot be cleaned without changing it; ``reason`` says why, in French,
    without naming the field (the caller says which line or field)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- Cleaning -----------------------------------------------------------------------------

# Unicode categories dropped: control (Cc), format (Cf: zero-width, bidi, soft hyphen, BOM,
# tags), surrogate (Cs: never valid text) and private use (Co: no meaning outside one font).
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}


def _is_space(char: str) -> bool:
    # Tab, line breaks, no-break and thin spaces: « \t\n\r\x0b\x0c\x1c-\x1f\x85 » count too.
    return char.isspace()


def clean_text(value) -> str:
    """One line of visible text: invisible characters dropped, white space collapsed, NFC."""
    if value is None:
        return ""
    text = str(value)
    if text.isprintable():
        # Nothing invisible, no space but « » (the usual case: fast, same result).
        text = " ".join(text.split())
        return (
            text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
        )
    text = unicodedata.normalize("NFC", text)
    kept = []
    for char in text:
        if _is_space(char):
            kept.append(" ")
        elif unicodedata.category(char) not in _DROPPED_CATEGORIES:
            kept.append(char)
    # NFC again: dropping an invisible character may bring a letter and its mark together.
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


def has_control_characters(text: str) -> bool:
    """A control character other than white space (NUL, ESC, DEL, C1…) is in ``text``."""
    return any(unicodedata.category(c) == "Cc" and not c.isspace() for c in text)


def most_marks(text: str) -> int:
    """The largest number of combining marks carried by one character of ``text``."""
    most = run = 0
    for char in unicodedata.normalize("NFD", text):
        run = run + 1 if unicodedata.combining(char) else 0
        most = max(most, run)
    return most


def name_problem(text: str) -> str:
    """Why a cleaned name is refused ("" when it is not), to follow « le nom est refusé : »;
    the caller says how to fix it (retype it, or correct it in SIECLE)."""
    if most_marks(text) > MAX_MARKS:
        return (
            f"une même lettre y porte plus de {MAX_MARKS} accents ou signes diacritiques "
            "(texte déformé)"
        )
    return ""


def clean_name(value) -> str:
    """A person's or an establishment's name, cleaned (``clean_text``); raises NameRefused."""
    text = clean_text(value)
    problem = name_problem(text)
    if problem:
        raise NameRefused(problem)
    return text


# --- Folding (search and sort key) --------------------------------------------------------

APOSTROPHES = "'’‘‛ʼʻ`´′"  # dropped: « N’Diaye » and « N'DIAYE » and « ndiaye » meet
HYPHENS = "-‐‑‒–—―−﹣－"  # become spaces: « Jean-Pierre » is searched as « jean pierre »
# Letters without a decomposition into a base letter and marks.
_SPECIAL = {
    **dict.fromkeys("ØøǾǿ", "o"),
    **dict.fromkeys("ŁłĿŀ", "l"),
    **dict.fromkeys("ĐđÐðƉ", "d"),
    **dict.fromkeys("Ħħ", "h"),
    **dict.fromkeys("ıƗ", "i"),
    **dict.fromkeys("Ŧŧ", "t"),
    **dict.fromkeys("Ŋŋŉ", "n"),
    **dict.fromkeys("ƀɃ", "b"),
    **dict.fromkeys("ȻȼƇƈ", "c"),
    **dict.fromkeys("ƵƶȤȥ", "z"),
    "ĸ": "k",
    "ƒ": "f",
    "ȷ": "j",
}
# Several letters for one character: PostgreSQL's translate() maps one to one, so the
# database folds these with replace() first (their results are plain lower-case letters).
_SPECIAL_LIGATURES = {
    **dict.fromkeys("Œœɶ", "oe"),
    **dict.fromkeys("ÆæǢǣǼǽ", "ae"),
    **dict.fromkeys("ßẞ", "ss"),
    **dict.fromkeys("Þþ", "th"),
}
_LATIN_BLOCKS = (range(0x00C0, 0x0250), range(0x1E00, 0x1F00))


def _latin_letters() -> tuple[dict[str, str], dict[str, str]]:
    """(one letter for one, several letters for one) of the Latin blocks of Unicode."""
    single = {chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}
    several = dict(_SPECIAL_LIGATURES)
    for block in _LATIN_BLOCKS:
        for code in block:
            char = chr(code)
            if char in several or unicodedata.category(char)[0] != "L":
                continue
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            ).lower()
            if base.isascii() and base.isalpha():
                (single if len(base) == 1 else several)[char] = base
    single.update(_SPECIAL)
    return single, several


_LETTERS, LIGATURES = _latin_letters()

# One character for one (translate): letters, hyphens and odd spaces.
SINGLE = {
    **_LETTERS,
    **dict.fromkeys(HYPHENS, " "),
    **dict.fromkeys("\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006", " "),
}
# Dropped (translate without a counterpart): apostrophes and combining marks left alone.
DROPPED = APOSTROPHES + "".join(chr(c) for c in range(0x0300, 0x0370))

_TABLE = str.maketrans({**SINGLE, **LIGATURES, **dict.fromkeys(DROPPED)})


def fold(value):
    """The search and sort key: lower case, no accent, ligatures spelled out, apostrophes
    dropped, hyphens as spaces. Characters outside the table are kept as they are.

    The same key as the database's (``carnet.core.search.Folded``), character for character.
    """
    if value is None:
        return None
    return str(value).translate(_TABLE)


def search_words(term: str) -> list[str]:
    """The folded words of a search (« Jean-Pierre N’Diaye » → jean, pierre, ndiaye)."""
    return fold(clean_text(term)).split()


# --- Exports ------------------------------------------------------------------------------

_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def looks_like_formula(value) -> bool:
    """Whether a spreadsheet would take this text for a formula (= + - @, tab, CR first)."""
    return isinstance(value, str) and bool(_FORMULA_START.match(value))


def spreadsheet_safe(value):
    """A cell value a spreadsheet shows as text: a string starting with = + - @, a tab or a
    carriage return gets a leading apostrophe (CSV/formula injection). Other values pass."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def spreadsheet_row(values) -> list:
    return [spreadsheet_safe(value) for value in values]
