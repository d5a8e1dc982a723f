"""« Gestion des utilisateurs » (administrator): teachers, head, other staff; credentials."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from carnet.accounts.forms import StaffAccountForm
from carnet.accounts.models import User
from carnet.accounts.protection import (
    EMAIL_LOCKED_MESSAGE,
    ProtectedCredentials,
    credentials_protected,
    email_locked,
)
from carnet.accounts.selectors import (
    USER_TABS,
    account_state,
    current_divisions,
    head_account,
    similar_people,
    staff_without_account,
    teacher_creation_blockers,
    users_of,
)
from carnet.accounts.services import (
    account_invitation_issue,
    staff_account_create,
    staff_account_update,
    user_password_reset,
    user_set_active,
)
from carnet.core.params import page_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.profiles import Profile
from carnet.core.registry import list_tabs
from carnet.core.search import session_search
from carnet.core.tenancy import get_scoped_or_404

users_required = establishment_permission_required("accounts.manage_users")
PAGE_SIZE = 25
EDITABLE = (Profile.TEACHER, Profile.HEAD)
HEAD_EMAIL_HELP = "Le chef d'établissement y reçoit l'invitation à choisir son mot de passe."


@require_http_methods(["GET", "POST"])
@users_required
def users_list(request, tab: str = "enseignants"):
    contributed = {t.key: t for t in list_tabs("accounts.users")}
    if tab not in USER_TABS and tab not in contributed:
        raise Http404
    search = session_search(request, f"users:{tab}")
    if search is None:
        return redirect("accounts:users_tab", tab=tab)
    establishment = request.establishment
    extra = contributed.get(tab)
    if extra is not None:
        label, profile = extra.label, None
        rows = extra.rows(establishment=establishment, search=search)
    else:
        label, profile, _ = USER_TABS[tab]
        if profile is None:
            rows = staff_without_account(establishment=establishment, search=search)
        else:
            rows = users_of(establishment=establishment, profile=profile, search=search)
    page = Paginator(rows, PAGE_SIZE).get_page(page_param(request))
    if profile in (Profile.TEACHER, Profile.HEAD):
        for user in page:
            user.state = account_state(user)
            user.member = getattr(user, "staff_member", None)
            user.divisions_taught = user.member.divisions.all() if user.member else ()
    tabs = sorted(
        [(order, key, value[0]) for key, value in USER_TABS.items() for order in [value[2]]]
        + [(t.order, t.key, t.label) for t in contributed.values()]
    )
    return render(
        request,
        "accounts/users/list.html",
        {
            "tabs": [(key, value) for _, key, value in tabs],
            "tab": tab,
            "tab_label": label,
            "extra_tab": extra,
            "extra_caption": extra.caption(page.paginator.count) if extra else "",
            "page_obj": page,
            "search": search,
            "blockers": teacher_creation_blockers(establishment=establishment),
            "head": head_account(establishment=establishment),
        },
    )


def _created(request, user: User, password: str):
    """The one page that shows a temporary password; never stored, never shown again.

    Never for a protected account (carnet.accounts.protection): its owner gets a link.
    """
    if credentials_protected(user):
        raise ProtectedCredentials()
    return render(
        request,
        "accounts/users/credentials.html",
        {"account": user, "password": password},
    )


def _staff_form_page(request, *, profile: Profile, form, title: str):
    return render(
        request,
        "accounts/users/form.html",
        {"form": form, "title": title, "profile": profile},
    )


@require_http_methods(["GET", "POST"])
@users_required
def teacher_new(request):
    establishment = request.establishment
    blockers = teacher_creation_blockers(establishment=establishment)
    if blockers:
        return render(request, "accounts/users/blocked.html", {"blockers": blockers})
    divisions = current_divisions(establishment=establishment, today=timezone.localdate())
    return _staff_create(
        request, profile=Profile.TEACHER, divisions=divisions, title="Nouvel enseignant"
    )


@require_http_methods(["GET", "POST"])
@users_required
def head_new(request):
    if head_account(establishment=request.establishment) is not None:
        messages.info(request, "Le compte du chef d'établissement existe déjà.")
        return redirect("accounts:users_tab", tab="chef")
    return _staff_create(
        request, profile=Profile.HEAD, divisions=None, title="Compte du chef d'établissement"
    )


def _staff_create(request, *, profile: Profile, divisions, title: str):
    teacher = profile == Profile.TEACHER
    form = StaffAccountForm(request.POST or None, divisions=divisions, teacher=teacher)
    if not teacher:
        # The head receives the invitation to choose a password there.
        form.fields["email"].required = True
        form.fields["email"].help_text = HEAD_EMAIL_HELP
    if request.method == "GET":
        return _staff_form_page(request, profile=profile, form=form, title=title)
    if form.is_valid():
        data = form.cleaned_data
        similar = list(
            similar_people(
                establishment=request.establishment,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
            )
        )
        if similar and not data["confirm_similar"]:
            form.similar = similar
        else:
            try:
                _, user, password = staff_account_create(
                    establishment=request.establishment,
                    profile=profile,
                    data=data,
                    actor=request.user,
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                if password:
                    return _created(request, user, password)
                return _invite(request, user, created=True)
    return _staff_form_page(request, profile=profile, form=form, title=title)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _invite(request, account: User, *, created: bool = False):
    """A protected account's credentials: a link e-mailed to its owner, never a password."""
    try:
        address = account_invitation_issue(
            user=account,
            actor=request.user,
            base_url=settings.PLATFORM_URL or request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if account.last_login is None:
            messages.success(
                request,
                ("Le compte est créé. " if created else "")
                + f"Une invitation a été envoyée à {address} : son titulaire y trouve son "
                "identifiant et un lien pour choisir son mot de passe.",
            )
        else:
            messages.success(
                request, f"Un lien pour choisir un nouveau mot de passe a été envoyé à {address}."
            )
    return redirect("accounts:user_edit", pk=account.pk)


def _account(request, pk: int) -> User:
    queryset = User.objects.filter(profile__in=EDITABLE).select_related("staff_member")
    return get_scoped_or_404(queryset, request.establishment, pk=pk)


@require_http_methods(["GET", "POST"])
@users_required
def user_edit(request, pk: int):
    account = _account(request, pk)
    member = getattr(account, "staff_member", None)
    teacher = account.profile == Profile.TEACHER
    divisions = (
        current_divisions(establishment=request.establishment, today=timezone.localdate())
        if teacher
        else None
    )
    initial = {
        "last_name": account.last_name,
        "first_name": account.first_name,
        "email": account.email,
    }
    if member is not None:
        initial.update(
            civility=member.civility,
            birth_date=member.birth_date,
            discipline=member.discipline,
            divisions=list(member.divisions.all()),
        )
    form = StaffAccountForm(
        request.POST or None, initial=initial, divisions=divisions, teacher=teacher
    )
    if email_locked(account):
        # Its e-mail receives the head's links: the administrator may not redirect it.
        form.fields["email"].disabled = True
        form.fields["email"].help_text = EMAIL_LOCKED_MESSAGE
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if member is None:
            for name in ("civility", "birth_date", "discipline", "divisions"):
                data.pop(name, None)
        try:
            changes = staff_account_update(user=account, data=data, actor=request.user)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                "Le compte a été modifié." if changes else "Aucune modification.",
            )
            return redirect("accounts:user_edit", pk=account.pk)
    return render(
        request,
        "accounts/users/edit.html",
        {
            "account": account,
            "member": member,
            "form": form,
            "state": account_state(account),
            "protected": credentials_protected(account),
        },
    )


@require_POST
@users_required
def user_password(request, pk: int):
    """New credentials: a temporary password shown once, or for a protected account (a head,
    a former head) a link e-mailed to its owner (carnet.accounts.protection)."""
    account = _account(request, pk)
    if credentials_protected(account):
        if not account.email and email_locked(account):
            messages.error(
                request,
                "Ce compte de chef d'établissement a déjà servi et n'a pas d'adresse "
                "électronique sur la plateforme : l'opérateur de la plateforme peut l'aider.",
            )
            return redirect("accounts:user_edit", pk=account.pk)
        return _invite(request, account)
    password = user_password_reset(user=account, actor=request.user)
    return _created(request, account, password)


@require_POST
@users_required
def user_active(request, pk: int):
    account = _account(request, pk)
    active = request.POST.get("active") == "1"
    try:
        changed = user_set_active(user=account, active=active, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("accounts:user_edit", pk=account.pk)
    if changed:
        messages.success(
            request,
            "Le compte est réactivé."
            if active
            else "Le compte est désactivé : il ne peut plus "
            "se connecter, et ses données sont gardées.",
        )
    return redirect("accounts:user_edit", pk=account.pk)
