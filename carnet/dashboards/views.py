"""« Tableaux de bord apprenants »: a pupil's record, the class overview, the bilans.

The choice of division and pupil travels as ids in the query string (``?division=3&eleve=41``,
never a name): a reload, or the previous/next arrows, keep it.
"""

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.core.forms import add_service_errors
from carnet.core.params import id_param
from carnet.core.permissions import establishment_permission_required
from carnet.core.profiles import Profile
from carnet.core.tenancy import get_scoped_or_404
from carnet.dashboards.chart import decimal, level_chart
from carnet.dashboards.enums import BilanKind
from carnet.dashboards.forms import BilanForm
from carnet.dashboards.proposal import method_of
from carnet.dashboards.selectors import (
    Filters,
    bilan_get,
    class_overview,
    dashboard_divisions,
    division_pupils,
    neighbours,
    pupil_bilans,
    pupil_dashboard,
    pupil_proposals,
    terminal_bilan_of,
)
from carnet.dashboards.services import bilan_create, bilan_unlock, bilan_update, bilan_validate
from carnet.dashboards.services.bilans import INTERMEDIATE_KEPT
from carnet.directory.models import Division, Pupil
from carnet.documents.pdf import establishment_images, render_pdf


def pupil_object(request, pupil_pk: int, **kwargs):
    return get_scoped_or_404(
        Pupil.objects.select_related("division__diploma"), request.establishment, pk=pupil_pk
    )


def division_object(request, pk: int, **kwargs):
    divisions = Division.objects.select_related("diploma")
    return get_scoped_or_404(divisions, request.establishment, pk=pk)


def bilan_object(request, pk: int, **kwargs):
    return bilan_get(establishment=request.establishment, pk=pk)


def dashboard_url(division_id, pupil_id=None, filters: Filters | None = None) -> str:
    items = [("division", division_id)]
    if pupil_id:
        items.append(("eleve", pupil_id))
    items += filters.query_items() if filters else []
    return f"{reverse('dashboards:pupil')}?{urlencode(items)}"


def _charts(dashboard) -> list:
    """Each competency with its chart (SVG markup) beside its data."""
    scale = [(level.value, level.code) for level in dashboard.scale if level.value is not None]
    charts = []
    for view in dashboard.competencies:
        if not view.points:
            continue
        svg = level_chart(
            chart_id=f"graphique-{view.competency.pk}",
            title=f"Niveaux de {view.competency.code} au fil du temps",
            points=view.points,
            scale=scale,
        )
        rows = [(p, decimal(p.value)) for p in view.points]
        charts.append({"view": view, "svg": mark_safe(svg), "rows": rows})
    return charts


def _dashboard_context(request, *, pupil, division, include_unpublished: bool, for_pupil=False):
    filters = Filters.from_query(request.GET)
    dashboard = pupil_dashboard(
        establishment=request.establishment,
        pupil=pupil,
        division=division,
        filters=filters,
        include_unpublished=include_unpublished,
    )
    keep = [("division", division.pk), ("eleve", pupil.pk)] if not for_pupil and division else []
    return {
        "dashboard": dashboard,
        "all_units_query": urlencode(keep + [("type", k) for k in sorted(dashboard.filters.kinds)]),
        "filters": dashboard.filters,
        "charts": _charts(dashboard),
        "method": method_of(dashboard.method),
        "bilans": pupil_bilans(
            establishment=request.establishment,
            pupil=pupil,
            visible_to_pupil=for_pupil,
            with_levels=False,
        ),
    }


@require_GET
@establishment_permission_required("dashboards.read")
def dashboard(request):
    """Division, then pupil; the pupil's record per competency, filtered."""
    divisions = dashboard_divisions(
        establishment=request.establishment, today=timezone.localdate(), user=request.user
    )
    context = {"divisions": divisions, "division": None, "pupils": [], "pupil": None}
    division_id = id_param(request.GET.get("division"))
    if division_id is not None:
        division = next((d for d in divisions if d.pk == division_id), None)
        if division is None:
            raise Http404
        pupils = division_pupils(division=division)
        context |= {"division": division, "pupils": pupils}
        pupil_id = id_param(request.GET.get("eleve"))
        if pupil_id is not None:
            pupil = next((p for p in pupils if p.pk == pupil_id), None)
            if pupil is None:
                raise Http404
            pupil.division = division  # the pupil's division, already read
            previous, following = neighbours(pupils, pupil)
            context |= _dashboard_context(
                request, pupil=pupil, division=division, include_unpublished=True
            )
            filters = context["filters"]
            context |= {
                "pupil": pupil,
                "position": pupils.index(pupil) + 1,
                "previous_url": previous and dashboard_url(division.pk, previous.pk, filters),
                "next_url": following and dashboard_url(division.pk, following.pk, filters),
                # What dashboards.write_bilan asks, read with the divisions (no query).
                "can_write": request.user.profile == Profile.TEACHER and division.taught,
            }
    return render(request, "dashboards/dashboard.html", context)


@require_GET
@establishment_permission_required("dashboards.read", obj=division_object)
def overview(request, pk: int, obj):
    """The division × competencies heat map of the proposed levels."""
    data = class_overview(establishment=request.establishment, division=obj)
    rows = [
        {"pupil": row.pupil, "url": dashboard_url(obj.pk, row.pupil.pk), "cells": row.cells}
        for row in data.rows
    ]
    return render(
        request,
        "dashboards/overview.html",
        {"overview": data, "rows": rows, "method": method_of(data.method), "division": obj},
    )


@require_GET
@establishment_permission_required("dashboards.read_own")
def mine(request):
    """The pupil's own dashboard: formative results, published certificative ones, bilans."""
    pupil = (
        Pupil.objects.of(request.establishment)
        .filter(user=request.user)
        .select_related("division__diploma")
        .first()
    )
    context = {"pupil": pupil}
    if pupil is not None:
        context |= _dashboard_context(
            request,
            pupil=pupil,
            division=pupil.division,
            include_unpublished=False,
            for_pupil=True,
        )
    return render(request, "dashboards/mine.html", context)


@require_GET
@establishment_permission_required("dashboards.read", obj=pupil_object)
def bilans(request, pupil_pk: int, obj):
    """A pupil's bilans, latest first."""
    return render(
        request,
        "dashboards/bilans.html",
        {
            "pupil": obj,
            "bilans": pupil_bilans(establishment=request.establishment, pupil=obj),
            "can_write": rules.has_perm("dashboards.write_bilan", request.user, obj),
            "back_url": dashboard_url(obj.division_id, obj.pk) if obj.division_id else None,
        },
    )


def _form_page(request, *, pupil, form, kind, bilan=None, status=200):
    return render(
        request,
        "dashboards/bilan_form.html",
        {
            "pupil": pupil,
            "form": form,
            "kind": kind,
            "kind_label": BilanKind(kind).label,
            "bilan": bilan,
            "back_url": dashboard_url(pupil.division_id, pupil.pk) if pupil.division_id else None,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@establishment_permission_required("dashboards.write_bilan", obj=pupil_object)
def bilan_new(request, pupil_pk: int, obj):
    """« Créer un bilan intermédiaire » (or the bilan terminal: ``?type=terminal``)."""
    pupil = obj
    kind = BilanKind.TERMINAL if request.GET.get("type") == "terminal" else BilanKind.INTERMEDIATE
    diploma = pupil.division.diploma if pupil.division_id else None
    if diploma is None:
        messages.error(
            request,
            "La division de l'élève n'est rattachée à aucun diplôme : demandez à "
            "l'administrateur de la rattacher, puis recommencez.",
        )
        return redirect("dashboards:bilans", pupil.pk)
    if kind == BilanKind.TERMINAL:
        existing = terminal_bilan_of(
            establishment=request.establishment, pupil=pupil, diploma_id=diploma.pk
        )
        if existing is not None:
            messages.info(request, "Cet élève a déjà son bilan terminal : le voici.")
            return redirect("dashboards:bilan", existing.pk)
    views, scale, _ = pupil_proposals(
        establishment=request.establishment, pupil=pupil, diploma_id=diploma.pk
    )
    rows = [(view.competency, view.proposal, None) for view in views]
    data = request.POST if request.method == "POST" else None
    form = BilanForm(data, rows=rows, scale=scale, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            bilan = bilan_create(
                establishment=request.establishment,
                pupil=pupil,
                actor=request.user,
                kind=kind,
                date=form.cleaned_data["date"],
                comment=form.cleaned_data["comment"],
                decided=form.decided(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{bilan} enregistré.")
            return redirect("dashboards:bilan", bilan.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, pupil=pupil, form=form, kind=kind, status=status)


@require_GET
@establishment_permission_required("dashboards.read_bilan", obj=bilan_object)
def bilan(request, pk: int, obj):
    return render(
        request,
        "dashboards/bilan.html",
        {
            "bilan": obj,
            "pupil": obj.pupil,
            "levels": list(obj.levels.all()),
            "can_write": rules.has_perm("dashboards.write_bilan", request.user, obj),
            "can_unlock": obj.locked
            and rules.has_perm("dashboards.unlock_bilan", request.user, obj),
            "is_pupil": request.user.profile == Profile.LEARNER,
        },
    )


@require_http_methods(["GET", "POST"])
@establishment_permission_required("dashboards.write_bilan", obj=bilan_object)
def bilan_edit(request, pk: int, obj):
    """Change the bilan terminal not validated yet: date, comment, decided levels."""
    if obj.kind != BilanKind.TERMINAL:
        messages.error(request, INTERMEDIATE_KEPT)
        return redirect("dashboards:bilan", obj.pk)
    if obj.locked:
        messages.error(request, "Ce bilan terminal est validé : il ne peut plus être modifié.")
        return redirect("dashboards:bilan", obj.pk)
    levels = list(obj.levels.all())
    scale = list(obj.diploma.scale.order_by("position"))
    rows = [
        (level.competency, _Stored(level.proposed_value, level.explanation), level.decided_id)
        for level in levels
    ]
    data = request.POST if request.method == "POST" else None
    form = BilanForm(
        data, rows=rows, scale=scale, initial={"date": obj.date, "comment": obj.comment}
    )
    if request.method == "POST" and form.is_valid():
        try:
            bilan_update(
                bilan=obj,
                actor=request.user,
                date=form.cleaned_data["date"],
                comment=form.cleaned_data["comment"],
                decided=form.decided(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Bilan enregistré.")
            return redirect("dashboards:bilan", obj.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, pupil=obj.pupil, form=form, kind=obj.kind, bilan=obj, status=status)


class _Stored:
    """A bilan's stored proposal, as the form shows a proposal."""

    def __init__(self, value, explanation):
        self.value, self.explanation = value, explanation


@require_POST
@establishment_permission_required("dashboards.write_bilan", obj=bilan_object)
def bilan_validate_view(request, pk: int, obj):
    try:
        bilan_validate(bilan=obj, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Bilan terminal validé : il est verrouillé.")
    return redirect("dashboards:bilan", obj.pk)


@require_http_methods(["GET", "POST"])
@establishment_permission_required("dashboards.unlock_bilan", obj=bilan_object)
def bilan_unlock_view(request, pk: int, obj):
    """« Déverrouiller »: a confirmation step (GET changes nothing), then the head unlocks."""
    if request.method == "POST":
        try:
            bilan_unlock(bilan=obj, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, "Bilan terminal déverrouillé : l'enseignant peut le modifier."
            )
        return redirect("dashboards:bilan", obj.pk)
    return render(request, "dashboards/bilan_unlock.html", {"bilan": obj, "pupil": obj.pupil})


PDF_TEMPLATE = "dashboards/bilan_pdf.html"


def pdf_context(bilan, establishment, *, for_pupil: bool = False) -> dict:
    """What the PDF shows: the pupil's copy leaves the proposed levels out, as their page."""
    return {
        "for_pupil": for_pupil,
        "bilan": bilan,
        "pupil": bilan.pupil,
        "levels": list(bilan.levels.all()),
        "establishment": establishment,
        "images": establishment_images(establishment),
    }


@require_GET
@establishment_permission_required("dashboards.read_bilan", obj=bilan_object)
def bilan_pdf(request, pk: int, obj):
    """The bilan as a PDF with the establishment's logo; the file names it by number only."""
    for_pupil = request.user.profile == Profile.LEARNER
    pdf = render_pdf(
        template=PDF_TEMPLATE,
        context=pdf_context(obj, request.establishment, for_pupil=for_pupil),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"bilan-{obj.pk}-{obj.date:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
