"""French typography of what users read, checked on the sources: every template and every
message (Python string literals; docstrings and comments are for developers).

- « » hold non-breaking spaces (« Valider » must not end a line on « and start the next
  on Valider): a normal space or a line break after « or before » fails;
- counts agree in French (0 and 1 singular): Django's English ``pluralize`` gives
  « 0 élèves »; templates use ``|nombre:"élève"`` (carnet/core/templatetags/carnet.py);
- the establishment code is the UAI, never UAJ (the name SIECLE's XML gives the element);
- no module is promised « bientôt ».

``PENDING``: sources another part of the hardening issue (#7) rewrites at the same time
(the imports' pages and messages); remove an entry once its part has landed.
"""

import ast
import re
import tokenize
from io import StringIO
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PENDING: tuple[str, ...] = ()

# Code ({{ file.uaj }}, {% if … %}, an f-string's {parsed.uaj}) is not read by anyone.
TEMPLATE_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[^{}]*\}")
BREAKABLE_QUOTES = re.compile(r"«[ \t\r\n]|[ \t\r\n]»")


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def pending(rel: str) -> bool:
    return rel.startswith(PENDING)


def templates() -> list[Path]:
    found = [*ROOT.glob("carnet/*/templates/**/*"), *ROOT.glob("templates/**/*")]
    return sorted(p for p in found if p.is_file() and not pending(relative(p)))


def python_sources() -> list[Path]:
    return sorted(
        p
        for p in ROOT.glob("carnet/**/*.py")
        if "/tests/" not in relative(p)
        and "/migrations/" not in relative(p)
        and not pending(relative(p))
    )


def _docstrings(tree: ast.AST) -> set[tuple[int, int]]:
    starts = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                starts.add((first.lineno, first.col_offset))
    return starts


def string_literals(path: Path) -> list[tuple[int, str]]:
    """(line, source text) of every string literal of a module but its docstrings."""
    source = path.read_text()
    docstrings = _docstrings(ast.parse(source))
    return [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(StringIO(source).readline)
        if token.type == tokenize.STRING and token.start not in docstrings
    ]


def template_lines(path: Path) -> list[tuple[int, str]]:
    text = path.read_text()
    # Joined with the next line, so that a « at the end of a line is seen with its break.
    lines = text.splitlines(keepends=True)
    return [(n, line) for n, line in enumerate(lines, start=1)]


def everything_read() -> list[tuple[str, int, str]]:
    found = [(relative(p), n, s) for p in templates() for n, s in template_lines(p)]
    found += [(relative(p), n, s) for p in python_sources() for n, s in string_literals(p)]
    return found


class TestTheScanSeesTheSources:
    def test_it_finds_templates_and_messages(self):
        names = {relative(p) for p in templates()}
        assert "templates/base.html" in names
        assert "carnet/establishments/templates/establishments/includes/_tab_logo.html" in names
        messages = [s for p in python_sources() for _, s in string_literals(p)]
        assert len(messages) > 500
        assert any("«\u00a0" in s for s in messages)

    def test_it_would_see_a_normal_space(self, tmp_path):
        sample = tmp_path / "sample.py"
        sample.write_text('"""« docstring »"""\nMESSAGE = "Cliquez sur « Valider »."\n')
        assert [s for _, s in string_literals(sample) if BREAKABLE_QUOTES.search(s)] == [
            '"Cliquez sur « Valider »."'
        ]


class TestFrenchTypography:
    def test_non_breaking_spaces_inside_guillemets(self):
        found = [
            f"{rel}:{n}: {s.strip()[:80]}"
            for rel, n, s in everything_read()
            if BREAKABLE_QUOTES.search(s)
        ]
        assert found == [], "espace sécable dans « » (utilisez &nbsp; ou U+00A0)"

    def test_counts_agree_in_french(self):
        found = [
            f"{relative(p)}:{n}"
            for p in templates()
            for n, line in template_lines(p)
            if "|pluralize" in line
        ]
        assert found == [], "pluralize accorde à l'anglaise (« 0 élèves ») : |nombre"

    def test_etablissement_keeps_its_accent(self):
        # Capital « E » only: paths and file names (« /parametres/etablissement/ ») are not read.
        found = [
            f"{rel}:{n}"
            for rel, n, s in everything_read()
            if re.search(r"\bEtablissement", TEMPLATE_CODE.sub("", s))
        ]
        assert found == [], "« Etablissement » : écrire « Établissement »"

    @pytest.mark.parametrize(("word", "why"), [("UAJ", "UAI"), ("bientôt", "rien")])
    def test_words_never_read(self, word, why):
        # A literal that is only the word is the name of an XML element (SIECLE's « UAJ »).
        found = [
            f"{rel}:{n}"
            for rel, n, s in everything_read()
            if word.lower() in TEMPLATE_CODE.sub("", s).lower()
            and s.strip("\"'").lower() != word.lower()
        ]
        assert found == [], f"« {word} » : écrire {why}"
