import datetime

from django.utils import timezone

from carnet.directory.models import SchoolYear

# A school year starts at the « rentrée », at the end of August.
SCHOOL_YEAR_FIRST_MONTH = 8


def school_year_start(today: datetime.date) -> int:
    return today.year if today.month >= SCHOOL_YEAR_FIRST_MONTH else today.year - 1


def school_year_current(today: datetime.date | None = None) -> SchoolYear:
    today = today or timezone.localdate()
    year, _ = SchoolYear.objects.get_or_create(start_year=school_year_start(today))
    return year
