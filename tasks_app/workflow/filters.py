import django_filters
from django.utils.translation import gettext_lazy as _

from departments.models import Department, District
from tasks_app.core.lean_widgets import LeanSelect
from tasks_app.plan.selectors import current_government_units
from tasks_app.workflow.models import OPEN_STATUSES, Milestone, MilestoneStatus

# "Open" (not yet signed off) beside the statuses: the home pages link their "everything open" boxes
# to the list filtered this way.
OPEN_CHOICE = "open"


class MilestoneFilter(django_filters.FilterSet):
    task = django_filters.NumberFilter(field_name="task__number", label=_("Task number"))
    owner = django_filters.ModelChoiceFilter(
        field_name="owner",
        queryset=lambda request: current_government_units(Department).order_by("position"),
        to_field_name="code",
        label=_("Owner department"),
        widget=LeanSelect,
    )
    district = django_filters.ModelChoiceFilter(
        field_name="district",
        queryset=lambda request: current_government_units(District).order_by("position"),
        to_field_name="code",
        label=_("District"),
        widget=LeanSelect,
    )
    status = django_filters.ChoiceFilter(
        choices=[(OPEN_CHOICE, _("Open (not signed off)")), *MilestoneStatus.choices],
        method="filter_status",
        label=_("Status"),
        widget=LeanSelect,
    )
    title = django_filters.CharFilter(lookup_expr="icontains", label=_("Title contains"))

    def filter_status(self, queryset, name, value):
        if value == OPEN_CHOICE:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    class Meta:
        model = Milestone
        fields = ["task", "owner", "district", "status", "title"]
