"""parse_referential: the real data files, and every kind of malformed file."""

import copy
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest

from carnet.referentials.parser import parse_referential

DATA = Path(__file__).resolve().parents[3] / "data" / "referentiels"
MELEC = DATA / "bp-melec.json"
CAP = DATA / "cap-electricien.json"

MINIMAL = {
    "format": "referentiel/1",
    "code": "BP-TEST",
    "cfd": "40099999",
    "intitule": "Baccalauréat professionnel de test",
    "niveau": "Bac Pro",
    "mef_prefix": "24799999",
    "provenance": "Fichier de test.",
    "activites": [
        {
            "code": "A1",
            "intitule": "Préparation",
            "taches": [
                {"code": "T1", "intitule": "Lire le dossier", "autonomie": "totale",
                 "competences": ["C1"]},
                {"code": "T2", "intitule": "Organiser", "competences": ["C1", "C2"]},
            ],
        }
    ],
    "competences": [
        {"code": "C1", "intitule": "Analyser", "criteres": ["Le dossier est lu"]},
        {"code": "C2", "intitule": "Organiser", "criteres": ["Le poste est prêt", "Sécurité"]},
    ],
    "attitudes_professionnelles": [{"code": "AP1", "intitule": "Rigueur"}],
    "unites": [
        {"code": "U1", "epreuve": "E1", "intitule": "Préparation", "coefficient": 3,
         "competences": ["C1", "C2"]}
    ],
}  # fmt: skip


def encode(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def minimal(**changes) -> dict:
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def refused(content: bytes) -> list[str]:
    result = parse_referential(content)
    assert result.referential is None
    assert result.problems
    return result.problems


class TestRealFiles:
    def test_bac_pro_melec(self):
        content = MELEC.read_bytes()
        result = parse_referential(content)
        assert result.problems == []
        ref = result.referential
        assert ref.code == "BP-MELEC"
        assert ref.cfd == "40025520"
        assert ref.mef_prefix == "24725520"
        assert ref.level == "Bac Pro"
        assert "MELEC" in ref.provenance
        assert ref.sha256 == hashlib.sha256(content).hexdigest()
        assert len(ref.competencies) == 13
        assert [c.code for c in ref.competencies] == [f"C{i}" for i in range(1, 14)]
        assert sum(len(c.criteria) for c in ref.competencies) == 78
        assert all(c.criteria for c in ref.competencies)
        assert len(ref.activities) == 5
        assert sum(len(a.tasks) for a in ref.activities) == 17
        assert len(ref.attitudes) == 5
        assert [u.code for u in ref.units] == ["U2", "U31", "U32", "U33"]
        known = {c.code for c in ref.competencies}
        for activity in ref.activities:
            for task in activity.tasks:
                assert task.competencies
                assert set(task.competencies) <= known
        first = ref.activities[0].tasks[0]
        assert first.code == "T1-1"
        assert first.autonomy == "totale"
        assert first.competencies == ("C1", "C3", "C10", "C11", "C12")

    def test_cap_electricien_is_partial(self):
        result = parse_referential(CAP.read_bytes())
        assert result.problems == []
        ref = result.referential
        assert ref.code == "CAP-ELEC"
        assert ref.cfd == "50025524"
        assert [c.code for c in ref.competencies] == [f"CO{i}" for i in range(1, 10)]
        assert ref.activities == ()
        assert len(ref.units) == 3

    def test_minimal_file_is_accepted(self):
        result = parse_referential(encode(MINIMAL))
        assert result.problems == []
        ref = result.referential
        assert ref.title == "Baccalauréat professionnel de test"
        assert ref.units[0].coefficient == Decimal("3")
        assert ref.activities[0].tasks[1].autonomy == ""
        assert ref.activities[0].tasks[1].competencies == ("C1", "C2")

    def test_surrounding_spaces_are_stripped(self):
        data = minimal(code="  BP-TEST ")
        data["competences"][0]["criteres"] = ["  Le dossier est lu  "]
        ref = parse_referential(encode(data)).referential
        assert ref.code == "BP-TEST"
        assert ref.competencies[0].criteria == ("Le dossier est lu",)

    def test_optional_lists_may_be_missing(self):
        data = minimal()
        for key in ("activites", "attitudes_professionnelles", "unites"):
            del data[key]
        ref = parse_referential(encode(data)).referential
        assert ref is not None
        assert ref.activities == ref.attitudes == ref.units == ()


class TestUnreadableFiles:
    def test_not_json(self):
        problems = refused(b'{"format": "referentiel/1",')
        assert len(problems) == 1
        assert problems[0].startswith("JSON invalide ligne 1, colonne ")
        assert "vérifiez les virgules" in problems[0]

    def test_utf8_with_byte_order_mark_is_accepted(self):
        result = parse_referential(b"\xef\xbb\xbf" + encode(minimal()))
        assert result.problems == []
        assert result.referential.code == MINIMAL["code"]

    def test_values_longer_than_their_columns_are_refused(self):
        problems = refused(encode(minimal(cfd="123456789", intitule="x" * 256)))
        assert "Diplôme : « cfd » dépasse 8 caractères." in problems
        assert "Diplôme : « intitule » dépasse 255 caractères." in problems

    def test_empty_file(self):
        assert refused(b"")[0].startswith("JSON invalide")

    def test_not_utf8(self):
        content = json.dumps(minimal(intitule="Électricité"), ensure_ascii=False).encode("latin-1")
        problems = refused(content)
        assert len(problems) == 1
        assert problems[0].startswith("Le fichier n'est pas en UTF-8 (octet ")

    @pytest.mark.parametrize(
        "content",
        [
            encode(minimal(format="referentiel/2")),
            encode({k: v for k, v in MINIMAL.items() if k != "format"}),
            encode([MINIMAL]),
            encode("referentiel/1"),
            b"null",
        ],
        ids=["autre-version", "sans-format", "liste", "texte", "null"],
    )
    def test_wrong_format_tag(self, content):
        assert refused(content) == [
            "Ce fichier n'est pas un référentiel au format « referentiel/1 »."
        ]


class TestMissingFields:
    @pytest.mark.parametrize(
        "key", ["code", "cfd", "intitule", "niveau", "mef_prefix", "provenance"]
    )
    def test_diploma_field_missing(self, key):
        data = minimal()
        del data[key]
        assert f"Diplôme : « {key} » est obligatoire." in refused(encode(data))

    def test_diploma_field_blank(self):
        assert "Diplôme : « provenance » est obligatoire." in refused(
            encode(minimal(provenance="   "))
        )

    def test_competency_label_missing(self):
        data = minimal()
        del data["competences"][1]["intitule"]
        assert "Compétence C2 : « intitule » est obligatoire." in refused(encode(data))

    def test_competency_code_missing(self):
        data = minimal()
        del data["competences"][1]["code"]
        problems = refused(encode(data))
        assert "Compétence 2 : « code » est obligatoire." in problems
        # The tasks and the unit that mobilise C2 now point at an unknown competency.
        assert "Tâche T2 : compétence C2 inconnue." in problems

    def test_task_label_missing(self):
        data = minimal()
        data["activites"][0]["taches"][0]["intitule"] = ""
        assert "Tâche T1 : « intitule » est obligatoire." in refused(encode(data))

    def test_unit_label_missing(self):
        data = minimal()
        del data["unites"][0]["intitule"]
        assert "Unité U1 : « intitule » est obligatoire." in refused(encode(data))

    def test_every_problem_is_reported_at_once(self):
        data = minimal()
        del data["code"]
        del data["cfd"]
        data["competences"][0]["intitule"] = ""
        problems = refused(encode(data))
        assert len(problems) == 3


class TestUnknownAndDuplicateCodes:
    def test_unknown_competency_in_a_task(self):
        data = minimal()
        data["activites"][0]["taches"][0]["competences"] = ["C1", "C99"]
        assert refused(encode(data)) == ["Tâche T1 : compétence C99 inconnue."]

    def test_unknown_competency_in_a_unit(self):
        data = minimal()
        data["unites"][0]["competences"] = ["C3"]
        assert refused(encode(data)) == ["Unité U1 : compétence C3 inconnue."]

    def test_duplicate_competency(self):
        data = minimal()
        data["competences"].append({"code": "C1", "intitule": "Encore", "criteres": []})
        assert refused(encode(data)) == ["Code de compétence en double : C1."]

    def test_duplicate_task_across_activities(self):
        data = minimal()
        data["activites"].append(
            {"code": "A2", "intitule": "Réalisation", "taches": [
                {"code": "T1", "intitule": "Autre", "competences": ["C2"]}
            ]}
        )  # fmt: skip
        assert refused(encode(data)) == ["Code de tâche en double : T1."]

    @pytest.mark.parametrize(
        ("key", "item", "kind"),
        [
            ("activites", {"code": "A1", "intitule": "Bis", "taches": []}, "activité"),
            ("attitudes_professionnelles", {"code": "AP1", "intitule": "Bis"}, "attitude"),
            ("unites", {"code": "U1", "intitule": "Bis", "competences": []}, "unité"),
        ],
    )
    def test_other_duplicates(self, key, item, kind):
        data = minimal()
        data[key].append(item)
        assert refused(encode(data)) == [f"Code de {kind} en double : {item['code']}."]


class TestWrongTypes:
    def test_code_is_a_number(self):
        assert refused(encode(minimal(code=12))) == ["Diplôme : « code » doit être un texte."]

    def test_cfd_is_null(self):
        assert "Diplôme : « cfd » doit être un texte." in refused(encode(minimal(cfd=None)))

    def test_competencies_not_a_list(self):
        problems = refused(encode(minimal(competences={"C1": "Analyser"})))
        assert "Diplôme : « competences » doit être une liste." in problems

    def test_competency_not_an_object(self):
        data = minimal()
        data["competences"].append("C3")
        assert "Compétence n° 3 : objet attendu." in refused(encode(data))

    def test_criteria_not_a_list(self):
        data = minimal()
        data["competences"][0]["criteres"] = "Le dossier est lu"
        assert refused(encode(data)) == ["Compétence C1 : « criteres » doit être une liste."]

    @pytest.mark.parametrize("criterion", [3, "", "   ", None, ["a"]])
    def test_invalid_criterion(self, criterion):
        data = minimal()
        data["competences"][0]["criteres"].append(criterion)
        assert refused(encode(data)) == ["Compétence C1 : critère vide ou invalide."]

    def test_task_competency_not_a_string(self):
        data = minimal()
        data["activites"][0]["taches"][0]["competences"] = ["C1", 2]
        assert refused(encode(data)) == ["Tâche T1 : code de compétence invalide 2."]

    def test_task_not_an_object(self):
        data = minimal()
        data["activites"][0]["taches"].append(["T3"])
        assert refused(encode(data)) == ["Activité A1, tâche n° 3 : objet attendu."]

    def test_tasks_not_a_list(self):
        data = minimal()
        data["activites"][0]["taches"] = {"code": "T1"}
        assert refused(encode(data)) == ["Activité A1 : « taches » doit être une liste."]

    def test_activity_not_an_object(self):
        assert refused(encode(minimal(activites=["A1"]))) == ["Activité n° 1 : objet attendu."]

    @pytest.mark.parametrize("coefficient", ["beaucoup", True, {"valeur": 2}, [2]])
    def test_invalid_coefficient(self, coefficient):
        data = minimal()
        data["unites"][0]["coefficient"] = coefficient
        assert refused(encode(data)) == ["Unité U1 : coefficient invalide."]

    @pytest.mark.parametrize("coefficient", ["NaN", "Infinity", "-Infinity", 12345, 1000, -1, 1.25])
    def test_coefficient_that_does_not_fit_the_database_column(self, coefficient):
        # ExamUnit.coefficient is DECIMAL(4, 1): such values used to pass the parser and
        # then fail at loading (NaN), be rounded (1.25) or break every read (12345, SQLite).
        data = minimal()
        data["unites"][0]["coefficient"] = coefficient
        assert refused(encode(data)) == [
            f"Unité U1 : coefficient invalide ({coefficient}) : nombre de 0 à 999,9 avec au "
            "plus une décimale attendu."
        ]

    @pytest.mark.parametrize(
        ("coefficient", "expected"),
        [("2.5", "2.5"), (1.5, "1.5"), ("2.50", "2.5"), (0, "0"), ("999.9", "999.9"), (None, None)],
    )
    def test_valid_coefficient(self, coefficient, expected):
        data = minimal()
        data["unites"][0]["coefficient"] = coefficient
        ref = parse_referential(encode(data)).referential
        assert ref.units[0].coefficient == (None if expected is None else Decimal(expected))

    def test_autonomy_is_a_number(self):
        data = minimal()
        data["activites"][0]["taches"][0]["autonomie"] = 1
        assert refused(encode(data)) == ["Tâche T1 : « autonomie » doit être un texte."]


class TestScale:
    def test_the_national_scale_by_default(self):
        scale = parse_referential(MELEC.read_bytes()).referential.scale
        assert [(s.code, s.label, s.key, s.value) for s in scale] == [
            ("1", "Non maîtrisé", "1", 1),
            ("2", "Insuffisamment maîtrisé", "2", 2),
            ("3", "Maîtrisé", "3", 3),
            ("4", "Bien maîtrisé", "4", 4),
            ("absent", "Absent", "a", None),
            ("dispense", "Dispensé", "d", None),
        ]

    def test_a_file_gives_its_own_scale(self):
        echelle = [
            {"code": "A", "intitule": "Acquis", "touche": "2", "valeur": 2},
            {"code": "EC", "intitule": "En cours", "touche": "1", "valeur": 1},
            {"code": "abs", "intitule": "Absent", "touche": "a", "valeur": None},
        ]
        scale = parse_referential(encode(minimal(echelle=echelle))).referential.scale
        assert [(s.code, s.key, s.value) for s in scale] == [
            ("A", "2", 2),
            ("EC", "1", 1),
            ("abs", "a", None),
        ]

    @pytest.mark.parametrize(
        ("echelle", "message"),
        [
            ("1234", "« echelle » doit être une liste"),
            ([{"code": "1", "intitule": "Un", "touche": "n", "valeur": 1}], "réservée"),
            ([{"code": "1", "intitule": "Un", "touche": "11", "valeur": 1}], "« touche »"),
            ([{"code": "1", "intitule": "Un", "touche": "A", "valeur": 1}], "minuscule"),
            ([{"code": "1", "intitule": "Un", "touche": "1", "valeur": "1"}], "un entier"),
            ([{"code": "1", "intitule": "Un", "touche": "1", "valeur": True}], "un entier"),
            ([{"code": "1", "intitule": "Un", "touche": "1", "valeur": 500}], "entre 0 et 100"),
            ([{"code": "a", "intitule": "Absent", "touche": "a", "valeur": None}], "au moins un"),
            (
                [
                    {"code": "1", "intitule": "Un", "touche": "1", "valeur": 1},
                    {"code": "1", "intitule": "Deux", "touche": "2", "valeur": 2},
                ],
                "code en double : 1",
            ),
            (
                [
                    {"code": "1", "intitule": "Un", "touche": "1", "valeur": 1},
                    {"code": "2", "intitule": "Deux", "touche": "1", "valeur": 2},
                ],
                "touche en double : 1",
            ),
            ([{"intitule": "Un", "touche": "1", "valeur": 1}], "« code » est obligatoire"),
            (["1"], "objet attendu"),
        ],
    )
    def test_malformed_scales_are_refused(self, echelle, message):
        problems = refused(encode(minimal(echelle=echelle)))
        assert any(message in problem for problem in problems), problems
