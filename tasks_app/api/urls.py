from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views
from .auth import LockoutAwareObtainAuthToken

router = DefaultRouter()
router.register("tasks", views.KeyTaskViewSet, basename="task")
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("districts", views.DistrictViewSet, basename="district")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progress-update")
router.register("implementations", views.ImplementationViewSet, basename="implementation")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", LockoutAwareObtainAuthToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("", include(router.urls)),
]
