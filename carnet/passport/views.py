"""Pages of the passeport professionnel: the pupil's (list, entry form, sending,
conversions, export), a passport read by its readers, and the teachers' follow-up."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from carnet.accounts.former_pupils import passport_access_ends
from carnet.core.forms import add_service_errors
from carnet.core.permissions import establishment_permission_required
from carnet.core.profiles import Profile
from carnet.core.tenancy import get_scoped_or_404
from carnet.evaluations.models import Evaluation
from carnet.passport import services
from carnet.passport.enums import EntryStatus
from carnet.passport.forms import AnswerForm, EntryForm
from carnet.passport.paper import ExportRefused, export_problem, passport_pdf
from carnet.passport.selectors import (
    attachment_get,
    convertible_evaluations,
    convertible_sheets,
    entries_of,
    entry_detail,
    entry_get,
    followed_divisions,
    grouped_by_activity,
    pupil_get,
    pupil_of_user,
    pupils_with_counts,
    referential_choices,
    waiting_entries,
)
from carnet.pfmp.models import ActivitySheet
from carnet.scenarios.files import uploads_checked
from carnet.scenarios.resources import INLINE_KINDS

RESOURCE_POLICY = {
    "pdf": "default-src 'none'; object-src 'self'; frame-ancestors 'none'",
    "other": "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox",
}


def own_pupil(request):
    """The signed-in pupil's record (also after they left); 403 for an account linked to no
    pupil."""
    pupil = pupil_of_user(establishment=request.establishment, user=request.user)
    if pupil is None:
        raise PermissionDenied
    return pupil


def entry_object(request, pk: int, **kwargs):
    return entry_get(establishment=request.establishment, pk=pk)


def pupil_object(request, pupil_pk: int, **kwargs):
    return pupil_get(establishment=request.establishment, pk=pupil_pk)


def attachment_object(request, pk: int, attachment_pk: int, **kwargs):
    return attachment_get(establishment=request.establishment, entry_pk=pk, pk=attachment_pk)


own_required = establishment_permission_required("passport.own")
own_entry_required = establishment_permission_required("passport.own", obj=entry_object)


def _uploads(request) -> list[tuple[str, bytes]]:
    return [(f.name, f.read()) for f in request.FILES.getlist("files")]


@require_GET
@establishment_permission_required("passport.mine")
def mine(request):
    """« Mon passeport professionnel »: entries by activity, what can be converted. A pupil
    who left reads and exports it only, until their window closes. An account linked to no
    pupil yet is told whom to ask."""
    pupil = pupil_of_user(establishment=request.establishment, user=request.user)
    if pupil is None:
        return render(request, "passport/no_pupil.html")
    entries = list(entries_of(pupil=pupil))
    can_write = rules.has_perm("passport.own", request.user, request.establishment)
    return render(
        request,
        "passport/mine.html",
        {
            "pupil": pupil,
            "groups": grouped_by_activity(entries),
            "entry_count": len(entries),
            "can_write": can_write,
            "access_ends": None if can_write else passport_access_ends(pupil),
            "evaluations": list(convertible_evaluations(pupil=pupil)) if can_write else [],
            "sheets": list(convertible_sheets(pupil=pupil)) if can_write else [],
            "export_problem": export_problem(request.establishment),
        },
    )


def _form_page(request, *, pupil, form, entry=None):
    return render(
        request,
        "passport/entry_form.html",
        {"pupil": pupil, "form": form, "entry": entry},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@own_required
def create(request):
    pupil = own_pupil(request)
    choices = referential_choices(pupil=pupil)
    if request.method != "POST":
        return _form_page(request, pupil=pupil, form=EntryForm(choices=choices))
    form = EntryForm(request.POST, request.FILES, choices=choices)
    if form.is_valid():
        uploads = _uploads(request)
        try:
            if uploads:  # checked first: a refused file and nothing is written
                uploads_checked(uploads)
            entry = services.entry_create(pupil=pupil, actor=request.user, data=form.entry_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if uploads:
                try:
                    services.entry_attachments_add(entry=entry, actor=request.user, uploads=uploads)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                    return redirect("passport:edit", entry.pk)
            messages.success(
                request, f"La situation « {entry.title} » est enregistrée (brouillon)."
            )
            return redirect("passport:entry", entry.pk)
    return _form_page(request, pupil=pupil, form=form)


@require_http_methods(["GET", "POST"])
@own_entry_required
def edit(request, pk: int, obj):
    entry = entry_detail(entry=obj)
    pupil = entry.pupil
    if not entry.is_editable:
        messages.error(
            request,
            "Cette situation est envoyée à votre professeur ou validée : elle ne se modifie pas.",
        )
        return redirect("passport:entry", entry.pk)
    choices = referential_choices(pupil=pupil)
    if request.method != "POST":
        form = EntryForm(initial=EntryForm.initial_of(entry), choices=choices)
        return _form_page(request, pupil=pupil, form=form, entry=entry)
    form = EntryForm(request.POST, request.FILES, choices=choices)
    if form.is_valid():
        uploads = _uploads(request)
        try:
            if uploads:  # checked first: a refused file changes nothing
                uploads_checked(uploads)
            services.entry_update(entry=entry, actor=request.user, data=form.entry_data())
            if uploads:
                services.entry_attachments_add(entry=entry, actor=request.user, uploads=uploads)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            title = form.cleaned_data["title"]
            messages.success(request, f"La situation « {title} » est enregistrée.")
            return redirect("passport:entry", entry.pk)
    return _form_page(request, pupil=pupil, form=form, entry=entry)


@require_POST
@own_entry_required
def submit(request, pk: int, obj):
    try:
        services.entry_submit(entry=obj, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "La situation est envoyée à votre professeur.")
    return redirect("passport:entry", obj.pk)


@require_POST
@own_entry_required
def delete(request, pk: int, obj):
    try:
        services.entry_delete(entry=obj, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("passport:entry", obj.pk)
    messages.success(request, f"La situation « {obj.title} » est supprimée.")
    return redirect("passport:mine")


@require_POST
@establishment_permission_required("passport.own", obj=attachment_object)
def attachment_delete(request, pk: int, attachment_pk: int, obj):
    try:
        services.entry_attachment_delete(attachment=obj, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"La pièce jointe « {obj.name} » est supprimée.")
    return redirect("passport:edit", pk)


def _evaluation_object(request, evaluation_pk: int, **kwargs):
    return get_scoped_or_404(
        Evaluation.objects.select_related("scenario"), request.establishment, pk=evaluation_pk
    )


def _sheet_object(request, sheet_pk: int, **kwargs):
    return get_scoped_or_404(
        ActivitySheet.objects.select_related("placement"), request.establishment, pk=sheet_pk
    )


def _converted(request, convert):
    try:
        entry, created = convert()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("passport:mine")
    if created:
        messages.success(
            request,
            "Une situation pré-remplie est créée (brouillon) : relisez-la, complétez-la, puis "
            "envoyez-la à votre professeur.",
        )
        return redirect("passport:edit", entry.pk)
    messages.info(request, "Cette situation est déjà dans votre passeport.")
    return redirect("passport:entry", entry.pk)


@require_POST
@own_required
def from_evaluation(request, evaluation_pk: int):
    pupil = own_pupil(request)
    evaluation = _evaluation_object(request, evaluation_pk)
    return _converted(
        request,
        lambda: services.entry_from_evaluation(
            pupil=pupil, evaluation=evaluation, actor=request.user
        ),
    )


@require_POST
@own_required
def from_sheet(request, sheet_pk: int):
    pupil = own_pupil(request)
    sheet = _sheet_object(request, sheet_pk)
    return _converted(
        request, lambda: services.entry_from_sheet(pupil=pupil, sheet=sheet, actor=request.user)
    )


# Reading (the pupil, their teachers, the head, a granted inspector).


@require_GET
@establishment_permission_required("passport.read", obj=entry_object)
def entry(request, pk: int, obj):
    entry = entry_detail(entry=obj)
    is_owner = entry.pupil.user_id == request.user.pk
    can_edit = (
        is_owner and entry.is_editable and rules.has_perm("passport.own", request.user, entry)
    )
    can_answer = entry.status == EntryStatus.SUBMITTED and rules.has_perm(
        "passport.validate", request.user, entry
    )
    return render(
        request,
        "passport/entry.html",
        {
            "entry": entry,
            "pupil": entry.pupil,
            "is_owner": is_owner,
            "can_edit": can_edit,
            "can_answer": can_answer,
            "answer_form": AnswerForm() if can_answer else None,
        },
    )


@require_GET
@establishment_permission_required("passport.read", obj=attachment_object)
def attachment(request, pk: int, attachment_pk: int, obj):
    """The file, for whoever reads the passport; images and PDFs may open in the browser."""
    if not default_storage.exists(obj.storage_name):
        raise Http404
    as_file = obj.kind not in INLINE_KINDS or "telecharger" in request.GET
    response = FileResponse(
        default_storage.open(obj.storage_name, "rb"),
        as_attachment=as_file,
        filename=obj.name,
        content_type=obj.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = RESOURCE_POLICY["pdf" if obj.kind == "pdf" else "other"]
    return response


@require_GET
@establishment_permission_required("passport.read", obj=pupil_object)
def pupil_passport(request, pupil_pk: int, obj):
    """A pupil's passport as their readers see it (read-only)."""
    entries = list(entries_of(pupil=obj))
    return render(
        request,
        "passport/pupil.html",
        {
            "pupil": obj,
            "groups": grouped_by_activity(entries),
            "entry_count": len(entries),
            "export_problem": export_problem(request.establishment),
        },
    )


@require_GET
@establishment_permission_required("passport.read", obj=pupil_object)
def export(request, pupil_pk: int, obj):
    """The whole passport as a PDF; refused (rule 4) while the identity is incomplete."""
    try:
        pdf = passport_pdf(establishment=request.establishment, pupil=obj)
    except ExportRefused as refused:
        messages.error(request, refused.message)
        if obj.user_id == request.user.pk:
            return redirect("passport:mine")
        return redirect("passport:pupil", obj.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="passeport-{obj.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# The teachers' follow-up.


@require_GET
@establishment_permission_required("passport.follow")
def follow(request):
    """A division (drop-down), its pupils, the entries waiting for an answer."""
    teacher = request.user.profile == Profile.TEACHER
    divisions = list(
        followed_divisions(establishment=request.establishment, user=request.user, teacher=teacher)
    )
    chosen = None
    wanted = request.GET.get("division", "")
    if wanted.isascii() and wanted.isdigit():
        chosen = next((d for d in divisions if d.pk == int(wanted)), None)
        if chosen is None:
            raise Http404
    elif divisions:
        chosen = divisions[0]
    pupils = pupils_with_counts(division=chosen) if chosen else []
    waiting = list(waiting_entries(pupils=pupils)) if teacher and pupils else []
    return render(
        request,
        "passport/follow.html",
        {
            "divisions": divisions,
            "division": chosen,
            "pupils": pupils,
            "waiting": waiting,
            "teacher": teacher,
        },
    )


@require_POST
@establishment_permission_required("passport.validate", obj=entry_object)
def answer(request, pk: int, obj):
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("decision") or "Réponse illisible.")
        if form.cleaned_data["decision"] == "valider":
            services.entry_validate(entry=obj, actor=request.user)
            messages.success(request, f"La situation « {obj.title} » est validée.")
        else:
            services.entry_request_changes(
                entry=obj, actor=request.user, comment=form.cleaned_data["comment"]
            )
            messages.success(request, "Votre demande de modifications est transmise à l'élève.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("passport:entry", obj.pk)
    division = obj.pupil.division_id
    return redirect(reverse("passport:follow") + (f"?division={division}" if division else ""))
