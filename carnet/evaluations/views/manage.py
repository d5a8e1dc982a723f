"""« Nouvelle évaluation », « Modifier l'évaluation », « Publier » and the history of a
certificative evaluation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from carnet.core.forms import add_service_errors
from carnet.core.permissions import establishment_permission_required
from carnet.evaluations.forms import EvaluationCreateForm, EvaluationEditForm
from carnet.evaluations.selectors import (
    assignments_of,
    columns_of,
    result_history,
    structure_pupils,
    taught_structures,
)
from carnet.evaluations.services import (
    default_targets,
    evaluation_create,
    evaluation_publish,
    evaluation_pupils_set,
    evaluation_update,
)
from carnet.evaluations.views.common import (
    evaluate_required,
    read_required,
    scenario_object,
    scenario_url,
)

HISTORY_PER_PAGE = 50


def _create_page(request, scenario, form, status=200):
    context = {
        "scenario": scenario,
        "scenario_url": scenario_url(scenario),
        "form": form,
        "targets_tree": form.targets_tree(),
        "pupils_checked": form.pupils_checked(),
    }
    if request.htmx and request.POST.get("step") == "pupils":
        return render(request, "evaluations/includes/_pupils.html", context)
    return render(request, "evaluations/create.html", context, status=status)


@require_http_methods(["GET", "POST"])
@establishment_permission_required("evaluations.evaluate", obj=scenario_object)
def create(request, scenario_pk: int, obj):
    scenario = obj
    if request.method == "GET":
        competencies, criteria = default_targets(scenario=scenario)
        structures = EvaluationCreateForm(scenario=scenario, user=request.user).structures
        # The teacher's own divisions of the diploma, ticked to begin with.
        mine = [s.pk for s in structures if s.taught and s.diploma_id == scenario.diploma_id]
        form = EvaluationCreateForm(
            scenario=scenario,
            user=request.user,
            initial={"competencies": competencies, "criteria": criteria, "divisions": mine},
        )
        return _create_page(request, scenario, form)

    competencies, criteria = default_targets(scenario=scenario)
    form = EvaluationCreateForm(
        request.POST,
        scenario=scenario,
        user=request.user,
        initial={"competencies": competencies, "criteria": criteria},
    )
    if request.POST.get("step") == "pupils":
        # « Afficher les élèves » (or htmx on choosing divisions): the list, nothing created.
        return _create_page(request, scenario, form)
    if form.pupils_list_is_stale():
        messages.info(
            request,
            "Les divisions choisies ont changé : la liste des élèves est mise à jour. "
            "Vérifiez-la, puis cliquez de nouveau sur « Créer l'évaluation ».",
        )
        return _create_page(request, scenario, form)
    if form.is_valid():
        data = form.cleaned_data
        shown = bool(request.POST.get("pupils_for"))
        try:
            evaluation = evaluation_create(
                scenario=scenario,
                actor=request.user,
                kind=data["kind"],
                unit=data["unit"],
                title=data["title"],
                date=data["date"],
                grain=data["grain"],
                divisions=data["divisions"],
                pupils=data["pupils"] if shown else None,
                competencies=[c.pk for c in data["competencies"]],
                criteria=[c.pk for c in data["criteria"]],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"L'évaluation est créée : {evaluation.assignments.count()} élèves, "
                f"{evaluation.targets.count()} colonnes. Saisissez les résultats ci-dessous "
                "(au clavier : 1 à 4, a, d, n). Des indicateurs de réussite par critère se "
                "précisent dans « Modifier l'évaluation ».",
            )
            return redirect("evaluations:grid", pk=evaluation.pk)
    return _create_page(request, form=form, scenario=scenario, status=200)


def _edit_context(evaluation, form, user, checked=None):
    assignments = list(assignments_of(evaluation=evaluation))
    assigned = {a.pupil_id for a in assignments}
    offered = structure_pupils(
        establishment=evaluation.establishment_id, structures=list(evaluation.divisions.all())
    )
    taught = set(
        taught_structures(evaluation=evaluation, user=user).values_list("division_id", flat=True)
    )
    pupils = [
        {
            "pupil": a.pupil,
            "division": a.division,
            "assigned": True,
            "left": a.pupil.status != "actif",
        }
        for a in assignments
    ] + [
        {"pupil": p, "division": p.division, "assigned": False, "left": False}
        for p in offered
        if p.pk not in assigned
    ]
    checked = checked if checked is not None else {str(pk) for pk in assigned}
    return {
        "evaluation": evaluation,
        "scenario": evaluation.scenario,
        "form": form,
        "pupils": pupils,
        "checked": checked,
        "new_count": sum(1 for p in pupils if not p["assigned"]),
        "teaches_any": bool(taught),
    }


@require_http_methods(["GET", "POST"])
@evaluate_required
def edit(request, pk: int, obj):
    evaluation = obj
    columns = columns_of(evaluation=evaluation)
    if request.method == "GET":
        initial = {"title": evaluation.title, "date": evaluation.date} | {
            f"indicator_{c.target_id}": c.indicator for c in columns
        }
        form = EvaluationEditForm(initial=initial, columns=columns)
        return render(
            request, "evaluations/edit.html", _edit_context(evaluation, form, request.user)
        )
    form = EvaluationEditForm(request.POST, columns=columns)
    checked = set(request.POST.getlist("pupils"))
    if form.is_valid():
        try:
            with transaction.atomic():
                evaluation_update(
                    evaluation=evaluation,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    date=form.cleaned_data["date"],
                    indicators=form.indicators(),
                )
                added, removed = evaluation_pupils_set(
                    evaluation=evaluation,
                    actor=request.user,
                    pupils=[int(pk) for pk in checked if pk.isascii() and pk.isdigit()],
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            changes = []
            if added:
                changes.append(f"{added} élève" + (" ajouté" if added == 1 else "s ajoutés"))
            if removed:
                changes.append(f"{removed} élève" + (" retiré" if removed == 1 else "s retirés"))
            messages.success(
                request,
                "L'évaluation est modifiée" + (f" ({', '.join(changes)})" if changes else "") + ".",
            )
            return redirect("evaluations:grid", pk=evaluation.pk)
    return render(
        request, "evaluations/edit.html", _edit_context(evaluation, form, request.user, checked)
    )


@require_http_methods(["GET", "POST"])
@evaluate_required
def publish(request, pk: int, obj):
    """GET asks for confirmation; POST publishes the certificative results to the pupils."""
    evaluation = obj
    if request.method == "GET":
        if not evaluation.is_certificative or evaluation.published_at:
            messages.info(
                request,
                "Cette évaluation est déjà publiée."
                if evaluation.published_at
                else "Les résultats d'une évaluation formative sont visibles des élèves dès leur "
                "saisie : il n'y a rien à publier.",
            )
            return redirect("evaluations:grid", pk=evaluation.pk)
        return render(
            request,
            "evaluations/publish.html",
            {"evaluation": evaluation, "scenario": evaluation.scenario, "now": timezone.now()},
        )
    try:
        evaluation_publish(evaluation=evaluation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Les résultats sont publiés : chaque élève voit désormais les siens dans « Mes "
            "résultats ».",
        )
    return redirect("evaluations:grid", pk=evaluation.pk)


@require_GET
@read_required
def history(request, pk: int, obj):
    """The changes of a certificative evaluation's results: who, when, old → new."""
    evaluation = obj
    page = Paginator(result_history(evaluation=evaluation), HISTORY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "evaluations/history.html",
        {"evaluation": evaluation, "scenario": evaluation.scenario, "page_obj": page},
    )
