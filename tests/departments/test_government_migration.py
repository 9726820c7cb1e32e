"""The migration to governments on a database made by the previous code — the test database holds
the Suzhou plan as the previous code imported it, with the demo accounts, their groups and every
permission row; the test migrates it back to the schema before governments, adds a few rows of its
own there, and migrates forward: every row and every permission is kept, and the plan and units
become the Suzhou government's."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("departments", "0003_unit_base"), ("tasks_app", "0015_calendar_feed")]
AFTER = [("departments", "0004_government"), ("tasks_app", "0020_plan_government")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_row_and_permission(demo_accounts, back_to_latest):
    old = _migrate(BEFORE)
    Group = old.get_model("auth", "Group")
    Permission = old.get_model("auth", "Permission")
    User = old.get_model("auth", "User")
    Department = old.get_model("departments", "Department")
    District = old.get_model("departments", "District")
    Plan = old.get_model("tasks_app", "Plan")
    Section = old.get_model("tasks_app", "Section")
    KeyTask = old.get_model("tasks_app", "KeyTask")
    ContentType = old.get_model("contenttypes", "ContentType")
    from guardian.models import GroupObjectPermission  # its table is not touched by these migrations

    supervision, _ = Group.objects.get_or_create(name="supervision-office")
    leadership, _ = Group.objects.get_or_create(name="leadership")
    commerce_group = Group.objects.create(name="department:old-unit")
    sip_group = Group.objects.create(name="district:old-district")
    view_records = Permission.objects.filter(codename="view_task_records").first()
    if view_records is None:  # an empty test database has no permissions yet: make the one we need
        task_type, _ = ContentType.objects.get_or_create(app_label="tasks_app", model="keytask")
        view_records = Permission.objects.create(codename="view_task_records", name="v", content_type=task_type)
    supervision.permissions.add(view_records)
    commerce = Department.objects.create(code="old-unit", name="旧部门", name_en="Old unit", group=commerce_group)
    sip = District.objects.create(code="old-district", name="旧板块", name_en="Old district", group=sip_group)
    plan = Plan.objects.create(code="old-plan", title="旧计划", start_year=2024, end_year=2026)
    section = Section.objects.create(plan=plan, number=1, title="一")
    task = KeyTask.objects.create(plan=plan, section=section, number=1, title="任务", text="正文")
    GroupObjectPermission.objects.create(
        group_id=commerce_group.pk,
        permission_id=view_records.pk,
        content_type_id=view_records.content_type_id,
        object_pk=str(task.pk),
    )
    alice = User.objects.create(username="old-alice")
    alice.groups.add(commerce_group)
    bob = User.objects.create(username="old-bob")
    bob.groups.add(supervision)
    rows_before = {
        "groups": set(Group.objects.values_list("pk", "name")),
        "group_permissions": set(Group.permissions.through.objects.values_list("group_id", "permission_id")),
        "object_permissions": set(GroupObjectPermission.objects.values_list("group_id", "permission_id", "object_pk")),
        "members": set(User.groups.through.objects.values_list("user_id", "group_id")),
        "departments": set(Department.objects.values_list("pk", "code", "name", "group_id")),
        "districts": set(District.objects.values_list("pk", "code", "name", "group_id")),
        "plans": set(Plan.objects.values_list("pk", "code")),
        "tasks": set(KeyTask.objects.values_list("pk", "plan_id", "number")),
    }

    new = _migrate(AFTER)
    Group = new.get_model("auth", "Group")
    User = new.get_model("auth", "User")
    Government = new.get_model("departments", "Government")
    Department = new.get_model("departments", "Department")
    District = new.get_model("departments", "District")
    Plan = new.get_model("tasks_app", "Plan")
    KeyTask = new.get_model("tasks_app", "KeyTask")

    assert {
        "groups": set(Group.objects.values_list("pk", "name")),
        "group_permissions": set(Group.permissions.through.objects.values_list("group_id", "permission_id")),
        "object_permissions": set(GroupObjectPermission.objects.values_list("group_id", "permission_id", "object_pk")),
        "members": set(User.groups.through.objects.values_list("user_id", "group_id")),
        "departments": set(Department.objects.values_list("pk", "code", "name", "group_id")),
        "districts": set(District.objects.values_list("pk", "code", "name", "group_id")),
        "plans": set(Plan.objects.values_list("pk", "code")),
        "tasks": set(KeyTask.objects.values_list("pk", "plan_id", "number")),
    } == rows_before
    suzhou = Government.objects.get()
    assert (suzhou.code, suzhou.name, suzhou.level) == ("suzhou", "苏州市", "city")
    assert (suzhou.supervision_group_id, suzhou.leadership_group_id) == (supervision.pk, leadership.pk)
    assert set(Department.objects.values_list("government_id", flat=True)) == {suzhou.pk}
    assert set(District.objects.values_list("government_id", flat=True)) == {suzhou.pk}
    assert set(Plan.objects.values_list("government_id", flat=True)) == {suzhou.pk}
    assert (
        Department.objects.get(pk=commerce.pk).code == "old-unit"
        and District.objects.get(pk=sip.pk).code == "old-district"
    )
    assert len(rows_before["object_permissions"]) > 1 and len(rows_before["members"]) > 2
