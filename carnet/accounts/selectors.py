"""Reads of « Gestion des utilisateurs » and « Gestion des accès élèves »."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Value
from django.db.models.functions import Replace
from django.urls import reverse

from carnet.accounts.enums import DisabledReason
from carnet.accounts.models import User
from carnet.accounts.protection import credentials_protected
from carnet.core.profiles import Profile
from carnet.core.search import Folded, name_order, words_match
from carnet.core.text import fold
from carnet.directory.enums import PupilStatus, StructureKind
from carnet.directory.models import Division, Pupil, StaffMember
from carnet.directory.school_years import school_year_start
from carnet.directory.selectors import first_import_done, pupil_name_order

# key → (label, profile listed (None: staff without account), order among the tabs; other
# apps add theirs: carnet.core.registry.ListTab, page "accounts.users").
USER_TABS = {
    "enseignants": ("Enseignants", Profile.TEACHER, 10),
    "chef": ("Chef d'établissement", Profile.HEAD, 20),
    "personnels": ("Personnels sans compte", None, 40),
}


# How the administrator's lists say why an account is inactive (User.disabled_reason).
DISABLED_STATES = {
    DisabledReason.ADMIN: "désactivé par l'administrateur",
    DisabledReason.LEFT: "désactivé : élève sorti de l'établissement",
    DisabledReason.DEPARTED: "désactivé : absent du dernier fichier STS-web",
    DisabledReason.NO_ACCESS: "désactivé : fonction sans accès pédagogique (STS-web)",
}
NO_PASSWORD = "identifiants à générer"
# A protected account (a head, a former head) gets its credentials by e-mail only.
NO_PASSWORD_PROTECTED = "sans mot de passe : invitation par courriel"


def account_state(user: User | None) -> str:
    """The state of an account as the administrator's lists say it (never the login page)."""
    if user is None:
        return "sans compte"
    if not user.is_active:
        return DISABLED_STATES.get(user.disabled_reason, "désactivé")
    if not user.has_usable_password():
        return NO_PASSWORD_PROTECTED if credentials_protected(user) else NO_PASSWORD
    if user.last_login is None:
        return "jamais connecté"
    return "actif"


def users_of(*, establishment, profile: Profile, search: str = ""):
    """Accounts of one profile, with their staff record and the divisions they teach."""
    queryset = (
        User.objects.of(establishment)
        .filter(profile=profile)
        .select_related("staff_member")
        .prefetch_related(
            Prefetch(
                "staff_member__divisions",
                queryset=Division.objects.only("code", "school_year_id").order_by("code"),
            )
        )
        .order_by(*name_order("last_name", "first_name"))
    )
    return queryset.filter(words_match(search, "last_name", "first_name", "username", "email"))


def staff_without_account(*, establishment, search: str = ""):
    return (
        StaffMember.objects.of(establishment)
        .filter(user__isnull=True)
        .filter(words_match(search, "last_name", "first_name"))
        .order_by(*name_order("last_name", "first_name"))
    )


@dataclass(frozen=True)
class Blocker:
    message: str
    link_label: str
    url: str


def teacher_creation_blockers(*, establishment) -> list[Blocker]:
    """Why « Nouvel enseignant » is not offered yet (PRODUCT.md rule 2); empty when it is."""
    blockers = []
    missing = [
        label
        for field, label in (("name", "le nom"), ("email", "l'adresse électronique"))
        if not getattr(establishment, field)
    ]
    if missing:
        blockers.append(
            Blocker(
                f"Renseignez {' et '.join(missing)} de l'établissement.",
                "Paramètres › Établissement",
                reverse("establishments:identity"),
            )
        )
    if not first_import_done(establishment=establishment):
        blockers.append(
            Blocker(
                "Importez d'abord les fichiers SIECLE, ou créez une division hors SIECLE "
                "avec au moins un apprenant.",
                "Importation des fichiers SIECLE",
                reverse("imports:siecle"),
            )
        )
    return blockers


def head_account(*, establishment) -> User | None:
    return User.objects.of(establishment).filter(profile=Profile.HEAD, is_active=True).first()


def _squeezed(field: str):
    """The field folded, spaces dropped: « Da Silva » and « DASILVA » are alike."""
    return Replace(Folded(field), Value(" "), Value(""))


def _no_space(name: str) -> str:
    return fold(name).replace(" ", "")


def head_accounts(*, establishment) -> list[User]:
    """Every account of the establishment that is or was a head, active or not (the head's
    home shows them: a head account the head does not know of is seen at once). One query."""
    accounts = list(
        User.objects.of(establishment)
        .filter(Q(profile=Profile.HEAD) | Q(was_head=True))
        .order_by("-is_active", "last_name", "first_name", "pk")
    )
    for account in accounts:
        account.state = account_state(account)
    return accounts


def similar_people(*, establishment, first_name: str, last_name: str, birth_date) -> list:
    """Staff who look like the person being created: the same names, whatever the case,
    accents, apostrophes, hyphens and spaces (« DUPRE » typed, « Dupré » imported), and the
    same birth date when both have one. Compared by the database (one query)."""
    same_birth = Q(birth_date__isnull=True) | Q(birth_date=birth_date) if birth_date else Q()
    return list(
        StaffMember.objects.of(establishment)
        .alias(last=_squeezed("last_name"), first=_squeezed("first_name"))
        .filter(same_birth, last=_no_space(last_name), first=_no_space(first_name))
        .only("last_name", "first_name", "birth_date", "function", "source")
        .order_by(*name_order("last_name", "first_name"))
    )


def current_divisions(*, establishment, today):
    """Divisions (not groups) of the current school year, for forms and the pupils' access."""
    return (
        Division.objects.of(establishment)
        .filter(school_year__start_year=school_year_start(today))
        .order_by("code")
    )


def access_divisions(*, establishment, today):
    """Divisions of the year with, for each, pupils active / with an account / never signed in."""
    active = Q(pupils__status=PupilStatus.ACTIVE)
    return (
        current_divisions(establishment=establishment, today=today)
        .filter(kind=StructureKind.DIVISION)
        .annotate(
            active_count=Count("pupils", filter=active),
            account_count=Count("pupils", filter=active & Q(pupils__user__isnull=False)),
            without_count=Count("pupils", filter=active & Q(pupils__user__isnull=True)),
            never_count=Count(
                "pupils",
                filter=active
                & Q(pupils__user__isnull=False, pupils__user__last_login__isnull=True),
            ),
        )
    )


def division_pupils(*, division):
    return (
        Pupil.objects.filter(division=division)
        .select_related("user")
        .order_by("status", *pupil_name_order())
    )
