"""National identifiers (FORMATS.md « Identifiers and their check keys »): UAI, INE, CNIL.

The expected check letters are computed here independently of the code under test.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from carnet.core.identifiers import (
    IneForm,
    cnil_problem,
    ine_form,
    ine_problem,
    normalize_cnil,
    normalize_ine,
    normalize_uai,
    uai_check_letter,
    uai_problem,
)
from carnet.core.validators import validate_ine, validate_uai

# FORMATS.md: 23 letters, no I, O, Q.
ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"
UPPERCASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"

# Department prefixes that exist (FORMATS.md strict pattern), spelt out.
VALID_PREFIXES = (
    [f"{n:03d}" for n in range(0, 96)]  # 000–095
    + [str(n) for n in range(970, 990)]  # overseas 97x, 98x
    + ["620", "720"]  # Corsica
)
INVALID_PREFIXES = sorted({f"{n:03d}" for n in range(1000)} - set(VALID_PREFIXES))


def key(digits: str) -> str:
    return ALPHABET[int(digits) % 23]


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=n, max_size=n)


valid_uais = st.builds(
    lambda prefix, rest: prefix + rest + key(prefix + rest),
    st.sampled_from(VALID_PREFIXES),
    digits(4),
)


@st.composite
def uais_with_wrong_letter(draw):
    seven = draw(digits(7))
    letter = draw(st.sampled_from([c for c in UPPERCASE if c != key(seven)]))
    return seven, letter


# INE forms (FORMATS.md).
rnie_ines = st.builds(
    lambda d, letters: d + letters,
    digits(9),
    st.text(alphabet="ABCDEFGHJK", min_size=2, max_size=2),
)
bea_ines = digits(10).map(lambda d: d + key(d))
base_ines = st.builds(
    lambda head, last: head + last,
    st.text(alphabet=DIGITS + UPPERCASE, min_size=10, max_size=10),
    st.sampled_from(DIGITS),
)
sifa_ines = st.builds(
    lambda a, b, letter: f"{a}A{b}{letter}", digits(4), digits(5), st.sampled_from(ALPHABET)
)
sifa_provisional_ines = st.builds(
    lambda a, b, letter: f"{a}D{b}{letter}", digits(4), digits(5), st.sampled_from(ALPHABET)
)


@st.composite
def bea_ines_with_wrong_key(draw):
    ten = draw(digits(10))
    return ten + draw(st.sampled_from([c for c in UPPERCASE if c != key(ten)]))


def random_case_and_spaces(value: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda flips, left, right: (
            left
            + "".join(c.lower() if flip else c for c, flip in zip(value, flips, strict=False))
            + right
        ),
        st.lists(st.booleans(), min_size=len(value), max_size=len(value)),
        st.sampled_from(["", " ", "  ", "\t", "\n"]),
        st.sampled_from(["", " ", "\t ", "\n"]),
    )


class TestUaiValid:
    @given(valid_uais)
    def test_every_valid_uai_is_accepted(self, uai):
        assert uai_problem(uai) is None
        validate_uai(uai)  # does not raise

    @pytest.mark.parametrize("uai", ["0573690B", "0442953W", "0756036D", "0090019X", "0693046L"])
    def test_real_examples(self, uai):
        assert uai_problem(uai) is None
        validate_uai(uai)

    @pytest.mark.parametrize(
        ("digits_", "letter"), [("0693046", "L"), ("0573690", "B"), ("6200001", key("6200001"))]
    )
    def test_check_letter(self, digits_, letter):
        assert uai_check_letter(digits_) == letter

    @pytest.mark.parametrize("prefix", ["620", "720", "971", "974", "988", "095", "001"])
    def test_corsica_overseas_and_edge_prefixes(self, prefix):
        uai = prefix + "1234" + key(prefix + "1234")
        assert uai_problem(uai) is None

    @given(valid_uais.flatmap(random_case_and_spaces))
    def test_lowercase_and_whitespace_are_normalised(self, raw):
        assert uai_problem(raw) is None
        validate_uai(raw)
        normalised = normalize_uai(raw)
        assert normalised == raw.strip().upper()
        assert re.fullmatch(r"[0-9]{7}[A-Z]", normalised)

    def test_normalisation_example(self):
        assert normalize_uai("  0693046l\n") == "0693046L"
        assert normalize_uai(None) == ""


class TestUaiInvalid:
    def test_wrong_letter_message_names_the_expected_letter(self):
        assert uai_problem("0693046P") == (
            "Le code UAI 0693046P n'est pas valide : la lettre clé attendue est L."
        )

    def test_wrong_letter_message_uses_the_normalised_code(self):
        assert uai_problem(" 0693046p ") == (
            "Le code UAI 0693046P n'est pas valide : la lettre clé attendue est L."
        )

    @given(uais_with_wrong_letter())
    def test_every_wrong_letter_is_refused(self, case):
        seven, letter = case
        uai = seven + letter
        expected = f"Le code UAI {uai} n'est pas valide : la lettre clé attendue est {key(seven)}."
        assert uai_problem(uai) == expected
        with pytest.raises(ValidationError) as exc:
            validate_uai(uai)
        assert exc.value.messages == [expected]
        assert exc.value.code == "invalid_uai"

    @pytest.mark.parametrize("letter", ["I", "O", "Q"])
    def test_letters_outside_the_alphabet_are_never_right(self, letter):
        assert uai_problem("0693046" + letter) is not None

    @given(st.sampled_from(INVALID_PREFIXES), digits(4))
    def test_right_letter_but_no_such_department(self, prefix, rest):
        uai = prefix + rest + key(prefix + rest)
        problem = uai_problem(uai)
        assert problem == (
            f"Le code UAI {uai} n'est pas valide : {prefix} ne correspond à aucun département."
        )

    @pytest.mark.parametrize(
        "value",
        [
            "069304L",  # 6 digits
            "06930466L",  # 8 digits
            "0693046",  # no letter
            "0693046LL",
            "A693046L",
            "0693 046L",
            "0693-046L",
            "0693046-",
            "0693046É",
            "ABCDEFGH",
            "０６９３０４６Ｌ",  # full-width digits are not ASCII digits
        ],
    )
    def test_wrong_shapes_are_refused(self, value):
        problem = uai_problem(value)
        assert problem is not None
        assert "doit comporter 7 chiffres suivis d'une lettre" in problem
        with pytest.raises(ValidationError):
            validate_uai(value)

    @given(
        st.text(alphabet=DIGITS + UPPERCASE + "-_./", max_size=12).filter(
            lambda s: not re.fullmatch(r"[0-9]{7}[A-Z]", s)
        )
    )
    def test_any_other_shape_is_refused(self, value):
        assert uai_problem(value) is not None

    @pytest.mark.parametrize("value", ["", "   ", None])
    def test_empty_is_refused_as_required(self, value):
        assert "obligatoire" in uai_problem(value)
        with pytest.raises(ValidationError):
            validate_uai(value)


class TestIne:
    @pytest.mark.parametrize(
        ("strategy", "form"),
        [
            (rnie_ines, IneForm.RNIE),
            (bea_ines, IneForm.BEA),
            (base_ines, IneForm.BASE),
            (sifa_ines, IneForm.SIFA),
            (sifa_provisional_ines, IneForm.SIFA_PROVISIONAL),
        ],
        ids=["rnie", "bea", "base", "sifa", "sifa-provisoire"],
    )
    @given(data=st.data())
    def test_each_form_is_accepted(self, strategy, form, data):
        ine = data.draw(strategy)
        assert ine_form(ine) == form
        assert ine_problem(ine) is None
        validate_ine(ine)

    @given(st.one_of(rnie_ines, bea_ines, sifa_ines).flatmap(random_case_and_spaces))
    def test_lowercase_and_whitespace_are_normalised(self, raw):
        assert ine_problem(raw) is None
        assert normalize_ine(raw) == raw.strip().upper()

    @pytest.mark.parametrize(
        ("ine", "form"),
        [
            ("123456789AB", IneForm.RNIE),
            ("1234567890" + key("1234567890"), IneForm.BEA),
            ("0A1B2C3D4E5", IneForm.BASE),
            ("1234A56789K", IneForm.SIFA),
            ("1234D56789K", IneForm.SIFA_PROVISIONAL),
        ],
    )
    def test_examples(self, ine, form):
        assert ine_form(ine) == form

    @given(bea_ines_with_wrong_key())
    def test_bea_with_a_wrong_key_is_refused(self, ine):
        assert ine_form(ine) is None
        problem = ine_problem(ine)
        assert problem is not None
        assert problem.startswith(f"L'INE {ine} n'est pas valide")
        with pytest.raises(ValidationError) as exc:
            validate_ine(ine)
        assert exc.value.code == "invalid_ine"

    @pytest.mark.parametrize(
        "ine",
        [
            "123456789",  # too short
            "123456789ABC",  # too long
            "123456789AL",  # L is not an RNIE letter
            "123456789AI",
            "1234A56789I",  # SIFA key outside the alphabet
            "1234B56789K",  # neither A nor D
            "ABCDEFGHIJK",
            "1234567890$",
            "12345 67890",
            "INCONNU",
        ],
    )
    def test_garbage_is_refused(self, ine):
        assert ine_form(ine) is None
        assert "n'est pas valide" in ine_problem(ine)
        with pytest.raises(ValidationError):
            validate_ine(ine)

    @given(st.text(alphabet=DIGITS + UPPERCASE, max_size=20).filter(lambda s: len(s) != 11))
    def test_any_length_but_eleven_is_refused(self, ine):
        assert ine_form(ine) is None
        assert ine_problem(ine) is not None

    @pytest.mark.parametrize("value", ["", None])
    def test_validator_lets_an_empty_ine_through(self, value):
        validate_ine(value)  # optional field: « stored as missing »


NBSP = "\u00a0"
# Characters an INE may not hold: punctuation, spaces, accented letters, invisible ones.
NOT_IN_AN_INE = st.sampled_from([*"-_./$ éÉàç\u00a0\t", "\u200b", "\u202e"])


def quoted(char: str) -> str:
    return f"«{NBSP}{char}{NBSP}»"


class TestIneMessages:
    """INE messages say what is wrong, as the UAI's do (« la lettre clé attendue est … »)."""

    @given(bea_ines_with_wrong_key())
    def test_ten_digits_and_a_wrong_letter_get_the_expected_letter(self, ine):
        assert ine_problem(ine) == (
            f"L'INE {ine} n'est pas valide : la lettre clé attendue est {key(ine[:10])}."
        )

    def test_example_of_a_wrong_key(self):
        expected = key("1234567890")
        wrong = "A" if expected != "A" else "B"
        assert ine_problem("1234567890" + wrong.lower()) == (
            f"L'INE 1234567890{wrong} n'est pas valide : la lettre clé attendue est {expected}."
        )

    @given(
        st.text(alphabet=DIGITS + UPPERCASE, min_size=1, max_size=30).filter(lambda s: len(s) != 11)
    )
    def test_a_wrong_length_is_said_with_the_length(self, ine):
        problem = ine_problem(ine)
        noun = "caractère" if len(ine) == 1 else "caractères"
        assert problem == (
            f"L'INE {ine} n'est pas valide : il comporte {len(ine)}{NBSP}{noun} au lieu de 11."
        )

    @given(
        # Inside the value: spaces around it are only trimmed.
        st.tuples(
            st.text(alphabet=DIGITS + UPPERCASE, min_size=1, max_size=10),
            NOT_IN_AN_INE,
            st.text(alphabet=DIGITS + UPPERCASE, min_size=1, max_size=10),
        )
    )
    def test_characters_an_ine_may_not_hold_are_named(self, parts):
        before, char, after = parts
        problem = ine_problem(before + char + after)
        assert problem is not None
        assert "retirez" in problem
        if char.isprintable() and not char.isspace():
            assert quoted(char.upper()) in problem
        assert "sans accent" in problem

    def test_several_wrong_characters_and_the_length_at_once(self):
        assert ine_problem("123-45.É") == (
            "L'INE 123-45.É n'est pas valide : il comporte 8\u00a0caractères au lieu de 11 ; "
            f"retirez {quoted('-')}, {quoted('.')} et {quoted('É')} (un INE ne contient que "
            "des chiffres et des lettres sans accent)."
        )

    @pytest.mark.parametrize(
        ("value", "named"),
        [(" 12345 67890", "l'espace"), ("12345\u200b67890", "le caractère invisible U+200B")],
    )
    def test_spaces_and_invisible_characters_are_named_in_words(self, value, named):
        assert f"retirez {named} " in ine_problem(value)

    @given(
        digits(9),
        st.text(alphabet=UPPERCASE, min_size=2, max_size=2).filter(
            lambda s: not re.fullmatch(r"[A-HJK]{2}", s)
        ),
    )
    def test_nine_digits_and_two_letters_outside_a_to_k(self, nine, letters):
        assert ine_problem(nine + letters) == (
            f"L'INE {nine}{letters} n'est pas valide : un INE de 9 chiffres se termine par 2 "
            f"lettres de A à K, sauf I (ici {letters})."
        )

    @given(digits(4), st.sampled_from("AD"), digits(5), st.sampled_from("IOQ"))
    def test_an_apprentice_ine_with_a_letter_outside_the_alphabet(self, a, kind, b, letter):
        problem = ine_problem(f"{a}{kind}{b}{letter}")
        assert problem.endswith(f"ne peut être ni I, ni O, ni Q (ici {letter}).")

    @given(st.text(max_size=40))
    def test_any_value_gets_a_sentence_or_none(self, value):
        problem = ine_problem(value)
        if not normalize_ine(value):
            assert problem.startswith("L'INE est vide")
        elif ine_form(value) is not None:
            assert problem is None
        else:
            assert problem.startswith(f"L'INE {normalize_ine(value)} n'est pas valide : ")
            assert problem.endswith(".")


class TestCnil:
    @pytest.mark.parametrize(
        "value",
        ["1929152 v0", "1679866 v 0", "795360", "12345678", "1929152v0", "1929152 V12"],
    )
    def test_declaration_numbers_are_accepted(self, value):
        assert cnil_problem(value) is None

    @given(
        digits(6) | digits(7) | digits(8),
        st.sampled_from(["", " v0", "v1", " V 2", "v 10"]),
    )
    def test_generated_declaration_numbers_are_accepted(self, number, version):
        assert cnil_problem(number + version) is None

    def test_spaces_are_normalised(self):
        assert normalize_cnil("  1929152   v0 ") == "1929152 v0"
        assert cnil_problem("  1929152   v0 ") is None

    @pytest.mark.parametrize(
        "value",
        ["12345", "123456789", "ABCDEF", "1929152 x0", "1929152 v", "v0", "", "192-9152"],
    )
    def test_wrong_numbers_are_refused(self, value):
        problem = cnil_problem(value)
        assert problem is not None
        assert "n'est pas valide" in problem
        assert "6 à 8" in problem

    @given(digits(5))
    def test_five_digits_are_refused(self, number):
        assert cnil_problem(number) is not None

    @given(st.text(alphabet=UPPERCASE, min_size=1, max_size=10))
    def test_letters_are_refused(self, value):
        assert cnil_problem(value) is not None

    @pytest.mark.parametrize("value", ["REG-2024-12", "abc", "x" * 64, "Registre RGPD n° 12"])
    def test_register_reference_only_when_said_so(self, value):
        assert cnil_problem(value, register_reference=True) is None
        assert cnil_problem(value) is not None

    @pytest.mark.parametrize("value", ["ab", "", "x" * 65])
    def test_register_reference_length(self, value):
        problem = cnil_problem(value, register_reference=True)
        assert problem == "La référence du registre RGPD doit comporter entre 3 et 64 caractères."

    @given(st.text(min_size=3, max_size=64).filter(lambda s: 3 <= len(" ".join(s.split())) <= 64))
    def test_any_register_reference_of_3_to_64_characters(self, value):
        assert cnil_problem(value, register_reference=True) is None
