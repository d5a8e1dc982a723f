from django.db.models import Count, Prefetch

from carnet.referentials.models import Activity, Competency, Diploma, ExamUnit, Task


def diplomas_list():
    return list(Diploma.objects.order_by("level", "title"))


def diplomas_with_counts():
    return Diploma.objects.annotate(
        competency_count=Count("competencies", distinct=True),
        activity_count=Count("activities", distinct=True),
    ).order_by("level", "title")


def diploma_by_code(code: str) -> Diploma | None:
    """The diploma of that code, or None (also for a code no diploma can have: NUL bytes,
    which PostgreSQL would refuse to compare)."""
    if not isinstance(code, str) or not code or "\x00" in code:
        return None
    return Diploma.objects.filter(code=code).first()


def diploma_detail(code: str) -> Diploma | None:
    """One référentiel with everything its page shows, in a fixed number of queries."""
    return (
        Diploma.objects.filter(code=code)
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=Activity.objects.prefetch_related(
                    Prefetch(
                        "tasks",
                        queryset=Task.objects.prefetch_related(
                            Prefetch(
                                "competencies", queryset=Competency.objects.only("code", "position")
                            )
                        ),
                    )
                ),
            ),
            Prefetch("competencies", queryset=Competency.objects.prefetch_related("criteria")),
            "attitudes",
            "scale",
            Prefetch(
                "units",
                queryset=ExamUnit.objects.prefetch_related(
                    Prefetch("competencies", queryset=Competency.objects.only("code", "position"))
                ),
            ),
        )
        .first()
    )
