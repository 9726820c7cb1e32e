"""Every model of the app, re-exported from the concern that owns it (Django finds an app's models
here; the migrations name ``tasks_app.models.evidence_path`` and ``attachment_path``).

New code imports a model from its concern (``tasks_app.workflow.models``), not from here."""

from tasks_app.assessment.models import (  # noqa: F401
    UNIT_LABELS,
    AssessmentPublication,
    ComponentKind,
    Indicator,
    IndicatorReport,
    IndicatorTarget,
    IndustrialBelt,
    InterimTarget,
    PublicationStatus,
    Rubric,
    RubricComponent,
    RubricScope,
    TargetComparison,
    TargetLevel,
)
from tasks_app.core.models import ChangeCounter  # noqa: F401
from tasks_app.dashboards.models import CalendarFeed, ProvinceFigures, SavedFilter  # noqa: F401
from tasks_app.exports.models import ExportJob, ExportStatus, ImportJob, ImportStatus  # noqa: F401
from tasks_app.plan.models import (  # noqa: F401
    Implementation,
    ImplementationStatus,
    KeyTask,
    Plan,
    ResponsibilityRole,
    Section,
    TaskResponsibility,
    evidence_path,
)
from tasks_app.reminders.models import (  # noqa: F401
    ESCALATION_LABELS,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    Reminder,
    ReminderKind,
)
from tasks_app.workflow.models import (  # noqa: F401
    OPEN_MILESTONE,
    OPEN_STATUSES,
    Milestone,
    MilestoneStatus,
    ProgressUpdate,
    Rag,
    attachment_path,
)
