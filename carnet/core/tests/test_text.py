"""carnet.core.text: names cleaned, search keys folded, spreadsheet cells made inert."""

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from carnet.core.text import (
    MAX_MARKS,
    NameRefused,
    clean_name,
    clean_text,
    fold,
    most_marks,
    search_words,
    spreadsheet_row,
    spreadsheet_safe,
)

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
# Control characters that are not white space (those become a space).
CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0)) if not chr(c).isspace()]
INVISIBLE = BIDI + ZERO_WIDTH + CONTROLS
# Any text, lone surrogates included (a file decoded with errors="surrogateescape").
ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)


def visible(text: str) -> str:
    """What a reader sees of a text: its characters that are neither invisible nor space."""
    return unicodedata.normalize(
        "NFC",
        "".join(
            c
            for c in unicodedata.normalize("NFD", text)
            if not c.isspace() and unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"}
        ),
    )


class TestCleanText:
    @pytest.mark.parametrize("char", INVISIBLE)
    def test_invisible_characters_are_dropped(self, char):
        assert clean_text(f"DU{char}PONT") == "DUPONT"
        assert clean_name(f"{char}Léa{char}") == "Léa"

    def test_the_bidi_override_attack_is_defused(self):
        # « ‮ »: the name would be shown reversed, hiding what follows.
        assert clean_name("ADMIN\u202etxt.exe") == "ADMINtxt.exe"

    def test_white_space_of_every_kind_becomes_one_space(self):
        assert clean_text("  Jean\t\t-\u00a0Pierre\r\n DE\u202fLA  ") == "Jean - Pierre DE LA"

    def test_names_of_the_world_are_kept(self):
        for name in (
            "N'Diaye",
            "N’DIAYE",
            "Lefèvre",
            "Cœlia",
            "Nguyễn Thị Ánh",
            "Øyvind",
            "Łukasz",
        ):
            assert clean_name(name) == name
        assert clean_name("محمد") == "محمد"  # right-to-left letters need no control character

    def test_decomposed_accents_are_composed(self):
        assert clean_name("Le\u0301a") == "Léa"

    @given(ANY_TEXT)
    @example("e\u200b\u0301")  # a mark separated from its letter by an invisible character
    def test_only_visible_characters_are_left_once_and_for_all(self, value):
        cleaned = clean_text(value)
        assert clean_text(cleaned) == cleaned
        assert cleaned == cleaned.strip() and "  " not in cleaned
        assert unicodedata.is_normalized("NFC", cleaned)
        assert not any(
            unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co"} or (c.isspace() and c != " ")
            for c in cleaned
        )
        # Nothing visible is lost.
        assert visible(cleaned) == visible(value)

    @given(ANY_TEXT)
    @example("Le\u0301a  MARTIN")
    @example("\u00a0é\u0301")
    def test_same_as_the_plain_definition(self, value):
        """The fast path for printable text gives what the definition gives."""
        text = unicodedata.normalize("NFC", value)
        kept = "".join(
            " " if c.isspace() else c
            for c in text
            if c.isspace() or unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co"}
        )
        assert clean_text(value) == unicodedata.normalize("NFC", " ".join(kept.split()))


class TestCleanName:
    def test_three_marks_on_a_letter_are_accepted_four_are_refused(self):
        three = "Ae\u0323\u0302\u0301"
        assert clean_name(three) == unicodedata.normalize("NFC", three)
        with pytest.raises(NameRefused, match="plus de 3 accents") as refused:
            clean_name("Ze\u0301\u0302\u0303\u0304lgo")
        assert "texte déformé" in refused.value.reason

    def test_zalgo_text_is_refused(self):
        with pytest.raises(NameRefused):
            clean_name("D" + "\u0336\u0317\u0325\u0353" * 3 + "UPONT")

    @given(st.text(max_size=30), st.integers(min_value=0, max_value=8))
    def test_refused_exactly_when_a_letter_bears_too_many_marks(self, value, marks):
        value = "A" + "\u0301" * marks + value
        try:
            cleaned = clean_name(value)
        except NameRefused:
            assert most_marks(clean_text(value)) > MAX_MARKS
        else:
            assert most_marks(cleaned) <= MAX_MARKS
            assert marks <= MAX_MARKS


class TestFold:
    @pytest.mark.parametrize(
        ("value", "folded"),
        [
            ("LEFÈVRE", "lefevre"),
            ("N’DIAYE", "ndiaye"),
            ("n'diaye", "ndiaye"),
            ("Cœlia", "coelia"),
            ("ŒUVRE", "oeuvre"),
            ("Lætitia", "laetitia"),
            ("Jean‑Pierre", "jean pierre"),  # non-breaking hyphen
            ("Jean–Pierre", "jean pierre"),  # en dash
            ("ÇA", "ca"),
            ("Straße", "strasse"),
            ("Nguyễn", "nguyen"),
            ("Le\u0301a", "lea"),  # decomposed accent
            ("Øyvind Łukasz", "oyvind lukasz"),
            ("1ÈRE", "1ere"),
        ],
    )
    def test_case_accents_ligatures_apostrophes_and_hyphens(self, value, folded):
        assert fold(value) == folded

    def test_search_words(self):
        assert search_words("  Jean-Pierre   N’Diaye\t") == ["jean", "pierre", "ndiaye"]
        assert search_words("\u200b") == []

    @given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x17F), max_size=40))
    def test_latin_letters_fold_to_lower_case_ascii(self, value):
        value = unicodedata.normalize("NFC", value)
        folded = fold(value)
        assert all("a" <= c <= "z" for c in folded if c.isalpha() and c not in "ªºµ")
        assert not any(c in folded for c in "'’‘`-–—")
        # As many letters or more (ligatures spelled out), the same digits.
        assert len([c for c in folded if c.isalpha()]) >= len(
            [c for c in value if c.isalpha() and c not in "ªºµ"]
        )
        assert [c for c in folded if c.isdigit()] == [c for c in value if c.isdigit()]

    @given(ANY_TEXT)
    def test_fold_is_idempotent_and_case_blind(self, value):
        assert fold(fold(value)) == fold(value)
        latin = "".join(c for c in value if c.isascii())
        assert fold(latin.upper()) == fold(latin.lower())


class TestSpreadsheetSafe:
    @pytest.mark.parametrize(
        "value", ["=1+1", "+33 4 72", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']
    )
    def test_formula_starts_are_escaped(self, value):
        assert spreadsheet_safe(value) == "'" + value

    @pytest.mark.parametrize("value", ["DUPONT", "Léa", "", " =1", "'=1", 12, -3, None, 1.5])
    def test_other_values_pass(self, value):
        assert spreadsheet_safe(value) == value

    @given(st.lists(st.one_of(st.text(max_size=10), st.integers(), st.none()), max_size=6))
    def test_no_cell_of_a_row_starts_a_formula(self, row):
        safe = spreadsheet_row(row)
        assert len(safe) == len(row)
        for before, after in zip(row, safe, strict=True):
            if isinstance(after, str):
                assert after[:1] not in {"=", "+", "-", "@", "\t", "\r"}
                assert after.removeprefix("'") == before or after == before
            else:
                assert after == before
