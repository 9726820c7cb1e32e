"""The REST API (`/api/v1/`): each concern's endpoints, in one router."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from tasks_app.assessment import api as assessment_api
from tasks_app.dashboards import province_api
from tasks_app.exports import import_api
from tasks_app.plan import api as plan_api
from tasks_app.reminders import api as reminders_api
from tasks_app.workflow import api as workflow_api

router = DefaultRouter()
router.register("tasks", plan_api.KeyTaskViewSet, basename="task")
router.register("departments", plan_api.DepartmentViewSet, basename="department")
router.register("districts", plan_api.DistrictViewSet, basename="district")
router.register("milestones", workflow_api.MilestoneViewSet, basename="milestone")
router.register("progress-updates", workflow_api.ProgressUpdateViewSet, basename="progress-update")
router.register("implementations", workflow_api.ImplementationViewSet, basename="implementation")
router.register("notifications", reminders_api.NotificationViewSet, basename="notification")
router.register("indicator-reports", assessment_api.IndicatorReportViewSet, basename="indicator-report")
router.register("overdue", reminders_api.OverdueViewSet, basename="overdue")
router.register("notices", reminders_api.NoticeViewSet, basename="notice")
router.register("extension-requests", workflow_api.ExtensionRequestViewSet, basename="extension-request")
router.register("task-reports", workflow_api.TaskReportViewSet, basename="task-report")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("assessment/<str:period>/publish/", assessment_api.assessment_publish_view, name="api-assessment-publish"),
    path("assessment/<str:period>/withdraw/", assessment_api.assessment_withdraw_view, name="api-assessment-withdraw"),
    path(
        "assessment/<str:period>/publications/",
        assessment_api.assessment_publications,
        name="api-assessment-publications",
    ),
    path("assessment/<str:period>/", assessment_api.assessment_detail, name="api-assessment"),
    path("province/", province_api.province_detail, name="api-province"),
    path("tasks/<int:number>/lead/", workflow_api.task_lead, name="task-lead"),
    path("milestones/<int:pk>/reminders/", reminders_api.milestone_reminders, name="milestone-reminders"),
    path("milestones/<int:pk>/notices/", reminders_api.milestone_notices, name="milestone-notices"),
    path("milestones/import/", import_api.import_sheet, {"kind": "milestones"}, name="milestone-import"),
    path(
        "milestones/import/template/",
        import_api.import_template,
        {"kind": "milestones"},
        name="milestone-import-template",
    ),
    path("indicator-reports/import/", import_api.import_sheet, {"kind": "figures"}, name="figure-import"),
    path(
        "indicator-reports/import/template/",
        import_api.import_template,
        {"kind": "figures"},
        name="figure-import-template",
    ),
    path("", include(router.urls)),
]
