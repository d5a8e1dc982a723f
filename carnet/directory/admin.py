from django.contrib import admin

from carnet.directory.models import Division, SchoolYear


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["start_year"]


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "establishment", "school_year", "mef", "diploma"]
    list_select_related = ["establishment", "school_year", "diploma"]
    list_filter = ["school_year"]
    search_fields = ["code", "establishment__uai"]
