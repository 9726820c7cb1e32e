from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.calendar_current_year, name="calendar_current"),
    path("<int:year>/", views.calendar_year, name="calendar_year"),
]
