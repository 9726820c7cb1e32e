"""The pages, each served by the concern that owns it (docs/architecture.md)."""

from django.urls import path

import tasks_app.core.url_converters  # noqa: F401  (registers <period:…> and <year:…>)
from tasks_app.assessment import views as assessment_views
from tasks_app.dashboards import calendar_feed, home, province, saved_filters, search, units
from tasks_app.exports import import_views
from tasks_app.exports import views as export_views
from tasks_app.plan import views as plan_views
from tasks_app.reminders import notice_views, overdue_board
from tasks_app.reminders import views as notification_views
from tasks_app.workflow import implementation_views as confirmations
from tasks_app.workflow import task_page
from tasks_app.workflow import views as workflow_views

app_name = "tasks_app"

urlpatterns = [
    path("", home.home, name="home"),
    path("plan/", plan_views.PlanOverviewView.as_view(), name="plan_overview"),
    path("plan/reopen/", plan_views.plan_state_change, {"action": "reopen"}, name="plan_reopen"),
    path("plan/close/", plan_views.plan_state_change, {"action": "close"}, name="plan_close"),
    path("tasks/<int:number>/", task_page.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:number>/reports/", workflow_views.task_report_create, name="task_report_create"),
    path("tasks/<int:number>/milestones/new/", workflow_views.milestone_create, name="milestone_create"),
    path("tasks/<int:number>/lead/", workflow_views.task_lead_change, name="task_lead_change"),
    path("milestones/", workflow_views.MilestoneListView.as_view(), name="milestone_list"),
    path("milestones/<int:pk>/", workflow_views.milestone_detail, name="milestone_detail"),
    path("milestones/<int:pk>/edit/", workflow_views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/extend/", workflow_views.milestone_extend, name="milestone_extend"),
    path("milestones/<int:pk>/transition/", workflow_views.milestone_transition, name="milestone_transition"),
    path("milestones/<int:pk>/updates/", workflow_views.progress_update_create, name="progress_update_create"),
    path(
        "progress-updates/<int:pk>/attachment/",
        workflow_views.progress_update_attachment,
        name="progress_update_attachment",
    ),
    path("implementations/<int:pk>/", confirmations.implementation_detail, name="implementation_detail"),
    path("implementations/<int:pk>/confirm/", confirmations.implementation_confirm, name="implementation_confirm"),
    path("implementations/<int:pk>/reject/", confirmations.implementation_reject, name="implementation_reject"),
    path("implementations/<int:pk>/evidence/", confirmations.implementation_evidence, name="implementation_evidence"),
    path("milestones/<int:pk>/notices/", notice_views.supervision_notice, name="supervision_notice"),
    path("notices/", notice_views.notice_board, name="notice_board"),
    path("notices/<int:pk>/", notice_views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/acknowledge/", notice_views.notice_acknowledge_view, name="notice_acknowledge"),
    path("notices/<int:pk>/reply/", notice_views.notice_reply_view, name="notice_reply"),
    path("notices/<int:pk>/close/", notice_views.notice_close_view, name="notice_close"),
    path(
        "notice-replies/<int:pk>/attachment/", notice_views.notice_reply_attachment, name="notice_reply_attachment"
    ),
    path(
        "milestones/<int:pk>/extension-requests/",
        workflow_views.extension_request_create,
        name="extension_request_create",
    ),
    path("extension-requests/", workflow_views.extension_requests_page, name="extension_requests"),
    path(
        "extension-requests/<int:pk>/decide/", workflow_views.extension_request_decide, name="extension_request_decide"
    ),
    path("milestones/<int:pk>/comments/", workflow_views.milestone_comment_create, name="milestone_comment_create"),
    path(
        "completion-reports/<int:pk>/evidence/",
        workflow_views.completion_report_evidence,
        name="completion_report_evidence",
    ),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification_read"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification_read_all"),
    path("assessment/", assessment_views.assessment_home, name="assessment_home"),
    path("assessment/targets/", assessment_views.targets_page, name="assessment_targets"),
    path("assessment/rubric/", assessment_views.rubric_page, name="assessment_rubric"),
    path("assessment/<period:period>/", assessment_views.assessment_page, name="assessment"),
    path("assessment/<period:period>/notice/", assessment_views.assessment_notice, name="assessment_notice"),
    path("assessment/<period:period>/publish/", assessment_views.assessment_publish_page, name="assessment_publish"),
    path(
        "assessment/<period:period>/withdraw/", assessment_views.assessment_withdraw_page, name="assessment_withdraw"
    ),
    path("overdue/", overdue_board.OverdueBoardView.as_view(), name="overdue_board"),
    path("overdue/bulk/", overdue_board.overdue_bulk_action, name="overdue_bulk"),
    path("filters/save/", saved_filters.save_filter_page, name="saved_filter_save"),
    path("filters/<int:pk>/delete/", saved_filters.delete_filter_page, name="saved_filter_delete"),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("milestones/import/", import_views.import_upload, {"kind": "milestones"}, name="milestone_import"),
    path("imports/<slug:kind>/", import_views.import_upload, name="import_upload"),
    path("imports/<slug:kind>/template/", import_views.import_template, name="import_template"),
    path("imports/job/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("imports/job/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("indicators/", assessment_views.indicators_page, name="indicators"),
    path("indicators/report/", assessment_views.indicator_report_page, name="indicator_report"),
    path("heatmap/", assessment_views.heatmap_page, name="heatmap"),
    path("province/", province.province_page, name="province"),
    path("search/", search.search_page, name="search"),
    path("feeds/", calendar_feed.calendar_feed_page, name="calendar_feed_page"),
    path("feeds/reset/", calendar_feed.calendar_feed_reset_page, name="calendar_feed_reset"),
    path("feeds/<str:token>.ics", calendar_feed.calendar_feed, name="calendar_feed"),
    path("departments/", units.DepartmentListView.as_view(), name="department_list"),
    path("departments/<slug:code>/", units.DepartmentDetailView.as_view(), name="department_detail"),
    path("districts/", units.DistrictListView.as_view(), name="district_list"),
    path("districts/<slug:code>/", units.DistrictDetailView.as_view(), name="district_detail"),
]
