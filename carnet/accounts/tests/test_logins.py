"""Logins: first given name + first part of the family name, at most 30 characters."""

import re

import pytest

from carnet.accounts.credentials import logins_for
from carnet.accounts.logins import LOGIN_MAX, family_part, login_base, unique_login
from carnet.accounts.services import users_bulk_create
from carnet.core.profiles import Profile


class TestLoginBase:
    @pytest.mark.parametrize(
        ("first", "last", "login"),
        [
            ("Cœlia", "N'Diaye", "coelia.ndiaye"),
            (
                "Marie-Éloïse Bénédicte",
                "DE LA ROCHEFOUCAULD-D'ARTAGNAN",
                "marie-eloise.delarochefoucauld",
            ),
            ("Jean", "GARCIA-LOPEZ", "jean.garcia"),
            ("Jean", "Da Silva Pereira", "jean.dasilva"),
            ("Lucas", "MARTIN DUPONT", "lucas.martin"),
            ("Gwen", "LE GALL", "gwen.legall"),
            ("Anne", "", "anne"),
            ("", "Dupont", "dupont"),
            ("", "", "compte"),
        ],
    )
    def test_examples(self, first, last, login):
        assert login_base(first, last) == login

    def test_the_particles_alone_make_the_name(self):
        assert family_part("DE LA") == "dela"

    @pytest.mark.parametrize(
        ("first", "last"),
        [
            ("Maximilienne-Wolfganga", "Schwarzenegger-Oppenheimer"),
            ("Y" * 90, "Prénom " * 20),
            ("A", "Z" * 100),
            ("B" * 100, "C"),
        ],
    )
    def test_at_most_thirty_characters_even_with_the_digits(self, first, last):
        base = login_base(first, last)
        assert len(base) <= LOGIN_MAX
        taken: set[str] = set()
        logins = [unique_login(base, taken) for _ in range(120)]
        assert len(set(logins)) == 120
        assert max(map(len, logins)) <= LOGIN_MAX
        assert logins[1].endswith("2") and logins[119].endswith("120")
        # The digits never follow a dot or a hyphen left by the cut.
        assert not [login for login in logins if re.search(r"[.-][0-9]+$", login)]


@pytest.mark.django_db
class TestLoginsGiven:
    def test_long_names_get_short_logins_never_given_twice(self, establishment):
        long_first, long_last = (
            "Maximilienne-Wolfganga",
            "SCHWARZENEGGER-OPPENHEIMER DE " + "X" * 60,
        )
        created = users_bulk_create(
            establishment=establishment,
            profile=Profile.LEARNER,
            people=[(long_first, long_last)] * 3,
        )
        logins = [user.username for user, _ in created]
        assert logins == [
            "maximilienne-wo.schwarzenegger",
            "maximilienne-wo.schwarzenegge2",
            "maximilienne-wo.schwarzenegge3",
        ]
        # The next ones are found among those already given (one query, the common prefix).
        assert logins_for([(long_first, long_last)]) == ["maximilienne-wo.schwarzenegge4"]
