"""The documented default rubrics (docs/assessment.md); the supervision office edits them in the admin."""

from django.db import migrations

DISTRICT = [
    ("indicator", "cbec_volume", 25, None),
    ("indicator", "belt_export", 15, None),
    ("indicator", "cbec_parks", 10, None),
    ("indicator", "belt_demo_firms", 10, None),
    ("milestones_on_time", "", 15, None),
    ("confirmations", "", 25, None),
    ("overdue_penalty", "", 2, 10),
]
DEPARTMENT = [
    ("milestones_on_time", "", 60, None),
    ("monthly_updates", "", 40, None),
    ("overdue_penalty", "", 2, 10),
]


def create(apps, schema_editor):
    Rubric = apps.get_model("tasks_app", "Rubric")
    Component = apps.get_model("tasks_app", "RubricComponent")
    for scope, name, rows in (("district", "板块考核(默认)", DISTRICT), ("department", "部门考核(默认)", DEPARTMENT)):
        if Rubric.objects.filter(scope=scope).exists():
            continue
        rubric = Rubric.objects.create(name=name, scope=scope, is_active=True, green_threshold=85, amber_threshold=70)
        for position, (kind, code, weight, cap) in enumerate(rows, start=1):
            Component.objects.create(
                rubric=rubric, kind=kind, indicator_code=code, weight=weight, cap=cap, position=position
            )


class Migration(migrations.Migration):
    dependencies = [("tasks_app", "0004_assessment")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
