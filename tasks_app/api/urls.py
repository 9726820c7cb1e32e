from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import assessment_views, views
from .auth import LockoutAwareObtainAuthToken

router = DefaultRouter()
router.register("tasks", views.KeyTaskViewSet, basename="task")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("districts", views.DistrictViewSet, basename="district")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")
router.register("implementations", views.ImplementationViewSet, basename="implementation")
router.register("notifications", views.NotificationViewSet, basename="notification")
router.register("indicator-reports", assessment_views.IndicatorReportViewSet, basename="indicator-report")
router.register("overdue", assessment_views.OverdueViewSet, basename="overdue")

urlpatterns = [
    path("auth/token/", LockoutAwareObtainAuthToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("assessment/<str:period>/publish/", assessment_views.assessment_publish_view, name="api-assessment-publish"),
    path("assessment/<str:period>/", assessment_views.assessment_detail, name="api-assessment"),
    path("", include(router.urls)),
]
