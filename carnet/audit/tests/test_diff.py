import datetime

from hypothesis import given
from hypothesis import strategies as st

from carnet.audit.diff import PERSONAL_VALUE, audit_changes, audit_value

LABELS = {"name": "Nom", "born": "Date de naissance", "status": "Situation", "on": "Activé"}


class TestAuditChanges:
    def test_only_what_changed_in_the_labels_order(self):
        before = {"status": "actif", "name": "Dupont", "on": False}
        after = {"on": True, "name": "Dupond", "status": "actif"}
        assert list(audit_changes(before, after, labels=LABELS).items()) == [
            ("Nom", ["Dupont", "Dupond"]),
            ("Activé", ["Non", "Oui"]),
        ]

    def test_codes_by_their_label_dates_in_french(self):
        changes = audit_changes(
            {"status": "actif", "born": None},
            {"status": "sorti", "born": datetime.date(2010, 5, 17)},
            labels=LABELS,
            names={"status": {"actif": "Actif", "sorti": "Sorti"}},
        )
        assert changes == {"Situation": ["Actif", "Sorti"], "Date de naissance": ["", "17/05/2010"]}

    def test_personal_values_are_never_written(self):
        changes = audit_changes(
            {"name": "Dupont", "born": None},
            {"name": "Dupond", "born": datetime.date(2010, 5, 17)},
            labels=LABELS,
            personal={"name", "born"},
        )
        assert changes == {
            "Nom": [PERSONAL_VALUE, PERSONAL_VALUE],
            "Date de naissance": ["", PERSONAL_VALUE],
        }

    def test_a_field_left_out_of_after_is_not_a_change(self):
        assert audit_changes({"name": "Dupont"}, {}, labels=LABELS) == {}

    def test_none_and_empty_are_the_same_nothing(self):
        assert audit_changes({"name": None}, {"name": ""}, labels=LABELS) == {}

    @given(st.dictionaries(st.sampled_from(sorted(LABELS)), st.text(max_size=5)))
    def test_no_change_when_nothing_differs(self, values):
        assert audit_changes(values, dict(values), labels=LABELS) == {}

    def test_audit_value(self):
        assert audit_value(None) == "" and audit_value(True) == "Oui" and audit_value(3) == "3"
