"""Pages of the PFMP: the teacher's (division drop-down, pupils at the left, fiches, the
table « Tâches/Compétences », the bilan entreprise), the pupil's fiches, the tutor's page."""

import datetime

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.accounts.models import User
from carnet.core.forms import add_service_errors
from carnet.core.permissions import establishment_permission_required
from carnet.core.profiles import Profile
from carnet.core.tenancy import get_scoped_or_404
from carnet.directory.models import Division
from carnet.pfmp import services
from carnet.pfmp.enums import ReviewStatus, SheetStatus
from carnet.pfmp.forms import PeriodForm, PlacementForm
from carnet.pfmp.models import (
    ActivitySheet,
    CompanyReview,
    Period,
    Placement,
    SheetAttachment,
    TutorLink,
)
from carnet.pfmp.paper import review_forms_pdf
from carnet.pfmp.selectors import (
    division_periods,
    division_pupils,
    division_sheets,
    pfmp_divisions,
    pupil_placements,
    review_get,
    review_lines,
    reviews_of_period,
    scale_of,
    sheet_detail,
    sheet_get,
)
from carnet.pfmp.tutor import link_token

SHEETS_PER_PAGE = 50


def _division(request, division_pk: int, **kwargs):
    return get_scoped_or_404(
        Division.objects.select_related("diploma"), request.establishment, pk=division_pk
    )


def _period(request, pk: int, **kwargs):
    return get_scoped_or_404(
        Period.objects.select_related("division__diploma"), request.establishment, pk=pk
    )


def _placement(request, pk: int, **kwargs):
    return get_scoped_or_404(
        Placement.objects.select_related("period__division__diploma", "pupil"),
        request.establishment,
        pk=pk,
    )


def _sheet(request, pk: int, **kwargs):
    try:
        return sheet_get(establishment=request.establishment, pk=pk)
    except ActivitySheet.DoesNotExist:
        raise Http404 from None


def _review(request, pk: int, **kwargs):
    try:
        return review_get(establishment=request.establishment, pk=pk)
    except CompanyReview.DoesNotExist:
        raise Http404 from None


def _attachment(request, pk: int, **kwargs):
    return get_scoped_or_404(
        SheetAttachment.objects.select_related(
            "sheet__placement__period__division", "sheet__placement__pupil"
        ),
        request.establishment,
        pk=pk,
    )


def _link(request, pk: int, **kwargs):
    link = (
        TutorLink.objects.filter(pk=pk, review__establishment=request.establishment)
        .select_related("review__placement__period__division")
        .first()
    )
    if link is None:
        raise Http404
    return link


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# The teacher's page ------------------------------------------------------------------------


@require_GET
@establishment_permission_required("pfmp.read")
def home(request):
    """« Portfolios activités en entreprise »: the division on top, its pupils at the left
    (weeks done against the diploma's), the chosen pupil's placements and fiches; the
    division's fiches when no pupil is chosen."""
    today = timezone.localdate()
    divisions = list(
        pfmp_divisions(user=request.user, establishment=request.establishment, today=today)
    )
    division = next(
        (d for d in divisions if d.pk == _int(request.GET.get("division"))),
        divisions[0] if divisions else None,
    )
    context = {"divisions": divisions, "division": division}
    if division is not None:
        pupils = division_pupils(division=division)
        pupil = next(
            (row.pupil for row in pupils if row.pupil.pk == _int(request.GET.get("eleve"))), None
        )
        context |= {
            "pupils": pupils,
            "pupil": pupil,
            "periods": list(division_periods(division=division)),
            "can_manage": _can("pfmp.manage", request.user, division),
        }
        if pupil is None:
            page = Paginator(division_sheets(division=division), SHEETS_PER_PAGE)
            context["page_obj"] = page.get_page(request.GET.get("page"))
            context["extra_query"] = f"division={division.pk}&"
        else:
            placements = list(pupil_placements(pupil=pupil, division=division))
            context["placements"] = placements
            sheet_pk = _int(request.GET.get("fiche"))
            sheet = next(
                (
                    s
                    for p in placements
                    for s in p.sheets.all()
                    if s.pk == sheet_pk and s.status == SheetStatus.SENT
                ),
                None,
            )
            if sheet is not None:
                context["sheet"] = sheet
                context |= sheet_detail(sheet=sheet)
    return render(request, "pfmp/home.html", context)


def _can(permission, user, obj) -> bool:
    return rules.has_perm(permission, user, obj)


def _home_url(division, pupil=None, sheet=None) -> str:
    url = reverse("pfmp:home") + f"?division={division.pk}"
    if pupil is not None:
        url += f"&eleve={pupil.pk}"
    if sheet is not None:
        url += f"&fiche={sheet.pk}#fiche"
    return url


@require_http_methods(["GET", "POST"])
@establishment_permission_required("pfmp.manage", obj=_division)
def period_create(request, division_pk: int, obj):
    division = obj
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_create(division=division, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "La période est créée : chaque élève y a son stage.")
            return redirect(_home_url(division))
    return render(request, "pfmp/period_form.html", {"form": form, "division": division})


@require_http_methods(["GET", "POST"])
@establishment_permission_required("pfmp.manage", obj=_period)
def period_edit(request, pk: int, obj):
    period = obj
    initial = {f: getattr(period, f) for f in ("title", "starts_on", "ends_on", "weeks")}
    form = PeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(period=period, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "La période est enregistrée.")
            return redirect(_home_url(period.division))
    return render(
        request,
        "pfmp/period_form.html",
        {"form": form, "division": period.division, "period": period},
    )


@require_http_methods(["GET", "POST"])
@establishment_permission_required("pfmp.manage", obj=_placement)
def placement_edit(request, pk: int, obj):
    placement = obj
    referents = User.objects.filter(
        establishment=request.establishment, profile=Profile.TEACHER, is_active=True
    ).order_by("last_name", "first_name")
    initial = {f: getattr(placement, f) for f in services.PLACEMENT_FIELDS} | {
        "referent": placement.referent_id,
        "weeks_done": placement.weeks_done,
    }
    form = PlacementForm(request.POST or None, initial=initial, referents=referents)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_update(placement=placement, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Le stage est enregistré.")
            return redirect(_home_url(placement.period.division, placement.pupil))
    return render(request, "pfmp/placement_form.html", {"form": form, "placement": placement})


@require_POST
@establishment_permission_required("pfmp.manage", obj=_sheet)
def sheet_check(request, pk: int, obj):
    """The table « Tâches/Compétences »: tasks kept or added, competencies (« k<pk> ») and
    criteria (« c<pk> ») to assess, copied into the bilan entreprise (rule 7)."""
    sheet = obj
    if sheet.status != SheetStatus.SENT:
        raise Http404
    chosen = request.POST.getlist("cibles")
    try:
        review = services.sheet_check(
            sheet=sheet,
            actor=request.user,
            task_ids=[v for v in request.POST.getlist("taches") if v.isdigit()],
            competency_ids=[v[1:] for v in chosen if v[:1] == "k" and v[1:].isdigit()],
            criterion_ids=[v[1:] for v in chosen if v[:1] == "c" and v[1:].isdigit()],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Choix enregistrés : le bilan entreprise compte {review.targets.count()} "
            "compétences ou critères.",
        )
    return redirect(_home_url(sheet.placement.period.division, sheet.placement.pupil, sheet))


# The bilan entreprise ----------------------------------------------------------------------


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _review_page(request, review, *, errors=(), new_link=None, status=200):
    placement = review.placement
    return render(
        request,
        "pfmp/review.html",
        {
            "review": review,
            "placement": placement,
            "lines": review_lines(review=review),
            "scale": scale_of(diploma_id=placement.period.division.diploma_id),
            "links": list(review.links.order_by("-created_at")),
            "now": timezone.now(),
            "errors": errors,
            "new_link": new_link,
            "can_manage": _can("pfmp.manage", request.user, review),
            "validated": review.status == ReviewStatus.VALIDATED,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@establishment_permission_required("pfmp.read", obj=_review)
def review(request, pk: int, obj):
    review = obj
    if request.method == "GET":
        return _review_page(request, review)
    if not _can("pfmp.manage", request.user, review):
        raise PermissionDenied
    levels = {
        key.removeprefix("niveau-"): value
        for key, value in request.POST.items()
        if key.startswith("niveau-")
    }
    try:
        services.review_fill(
            review=review,
            actor=request.user,
            levels=levels,
            signed_on=_date(request.POST.get("signed_on")),
            read_and_approved=request.POST.get("read_and_approved") == "on",
            **{
                f: request.POST.get(f, "")[: 200 if f != "tutor_appreciation" else 5000]
                for f in services.REVIEW_TEXT_FIELDS
            },
        )
    except ValidationError as exc:
        return _review_page(request, review, errors=exc.messages, status=400)
    messages.success(request, "Le bilan est enregistré.")
    return redirect("pfmp:review", pk=review.pk)


@require_POST
@establishment_permission_required("pfmp.manage", obj=_review)
def review_validate(request, pk: int, obj):
    try:
        services.review_validate(review=obj, actor=request.user)
    except ValidationError as exc:
        return _review_page(request, obj, errors=exc.messages, status=400)
    messages.success(request, "Le bilan est validé : il compte désormais dans le tableau de bord.")
    return redirect("pfmp:review", pk=obj.pk)


@require_POST
@establishment_permission_required("pfmp.manage", obj=_review)
def proposal(request, pk: int, obj):
    """« Accepter la proposition » (levels copied) or « Écarter la proposition »."""
    try:
        if request.POST.get("action") == "ecarter":
            services.tutor_proposal_discard(review=obj, actor=request.user)
            messages.success(request, "La proposition du tuteur est écartée.")
        else:
            services.tutor_proposal_accept(review=obj, actor=request.user)
            messages.success(
                request,
                "La proposition du tuteur est reprise dans le bilan : relisez-le puis validez-le.",
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("pfmp:review", pk=obj.pk)


@require_POST
@establishment_permission_required("pfmp.manage", obj=_review)
def link_create(request, pk: int, obj):
    """A new personal link for the tutor (earlier ones retired), e-mailed to the tutor when
    their address is known, and shown once on the page."""
    review = obj
    try:
        link, secret = services.tutor_link_create(review=review, actor=request.user)
    except ValidationError as exc:
        return _review_page(request, review, errors=exc.messages, status=400)
    url = request.build_absolute_uri(
        reverse("pfmp:tutor", args=[review.pk, link_token(link, secret)])
    )
    placement = review.placement
    if placement.tutor_email:
        send_mail(
            "Bilan de stage à compléter",
            f"Bonjour,\n\n{request.establishment.name} vous invite à compléter le bilan du "
            f"stage effectué dans votre entreprise, avec le professeur :\n\n{url}\n\nCe lien "
            f"personnel vaut {services.TUTOR_LINK_DAYS} jours et n'ouvre que ce bilan. Ne le "
            "transmettez pas.\n",
            None,
            [placement.tutor_email],
        )
    return _review_page(request, review, new_link=url)


@require_POST
@establishment_permission_required("pfmp.manage", obj=_link)
def link_revoke(request, pk: int, obj):
    services.tutor_link_revoke(link=obj, actor=request.user)
    messages.success(request, "Le lien du tuteur est retiré : il n'ouvre plus le bilan.")
    return redirect("pfmp:review", pk=obj.review_id)


@require_GET
@establishment_permission_required("pfmp.read", obj=_review)
def review_paper(request, pk: int, obj):
    data = review_forms_pdf(reviews=[obj], establishment=request.establishment)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bilan-entreprise-{obj.pk}.pdf"'
    return response


@require_GET
@establishment_permission_required("pfmp.read", obj=_period)
def period_paper(request, pk: int, obj):
    """The paper bilans of every pupil of the period, in one PDF."""
    for placement in obj.placements.filter(review__isnull=True):
        services.review_of(placement)
    data = review_forms_pdf(
        reviews=reviews_of_period(period=obj), establishment=request.establishment
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bilans-entreprise-periode-{obj.pk}.pdf"'
    return response
