from django.urls import path

from . import views

app_name = "tasks_app"

urlpatterns = [
    path("", views.PlanOverviewView.as_view(), name="plan_overview"),
    path("tasks/<int:number>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("departments/", views.DepartmentListView.as_view(), name="department_list"),
    path("departments/<slug:code>/", views.DepartmentDetailView.as_view(), name="department_detail"),
    path("districts/", views.DistrictListView.as_view(), name="district_list"),
    path("districts/<slug:code>/", views.DistrictDetailView.as_view(), name="district_detail"),
]
