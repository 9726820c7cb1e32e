"""The supervision office's pages for the units' people (/accounts/members/…) and everyone's
stand-ins (/accounts/stand-ins/)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from departments.models import Department, District
from departments.roles import LEADERSHIP_GROUP
from tasks_app.core.people import person_label

from . import permissions, selectors, services
from .forms import MemberAddForm, StandInForm
from .models import MembershipAction, MembershipChange

UNIT_KINDS = {"department": Department, "district": District}


def _require_office(request):
    if not permissions.can_manage_membership(request.user):
        raise PermissionDenied(_("Only the supervision office manages the units' people."))


def _unit(kind, code):
    model = UNIT_KINDS.get(kind)
    if model is None:
        raise Http404
    return get_object_or_404(model.objects.select_related("group"), code=code)


def _form_errors(form, error: ValidationError):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def members_index(request):
    _require_office(request)
    units = []
    for kind, model in UNIT_KINDS.items():
        for unit in model.objects.select_related("group"):
            units.append(
                {
                    "kind": kind,
                    "unit": unit,
                    "members": selectors.unit_members(unit.group).filter(is_active=True).count(),
                }
            )
    return render(request, "accounts/members_index.html", {"units": units, "section": "members"})


def members_unit(request, kind, code):
    _require_office(request)
    unit = _unit(kind, code)
    group = unit.group
    form = MemberAddForm(request.POST or None, group=group)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user, as_colleague = form.cleaned_data["user"], form.cleaned_data["kind"] == MemberAddForm.KIND_COLLEAGUE
            try:
                if as_colleague:
                    services.colleague_add(group=group, user=user, by=request.user)
                else:
                    services.member_add(group=group, user=user, by=request.user)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request, _("%(person)s has been added to %(unit)s.") % {"person": person_label(user), "unit": unit}
                )
                return redirect("accounts:members_unit", kind=kind, code=code)
        status = 400
    members = list(selectors.unit_members(group))
    added = {}
    for change in (
        MembershipChange.objects.filter(group=group, user__in=members, action=MembershipAction.ADDED)
        .select_related("by")
        .order_by("at")
    ):
        added[change.user_id] = change  # the latest addition wins
    context = {
        "unit": unit,
        "kind": kind,
        "form": form,
        "members": [{"user": m, "added": added.get(m.pk)} for m in members],
        "colleagues": selectors.unit_colleagues(group),
        "history": selectors.membership_history(group),
        "section": "members",
    }
    return render(request, "accounts/members_unit.html", context, status=status)


@require_POST
def members_remove(request, kind, code, user_id):
    _require_office(request)
    unit = _unit(kind, code)
    user = get_object_or_404(get_user_model(), pk=user_id)
    try:
        if request.POST.get("as") == "colleague":
            services.colleague_remove(group=unit.group, user=user, by=request.user)
        else:
            services.member_remove(group=unit.group, user=user, by=request.user)
    except ValidationError:
        raise Http404 from None  # not a member (or colleague) of this unit
    messages.success(
        request, _("%(person)s has been removed from %(unit)s.") % {"person": person_label(user), "unit": unit}
    )
    return redirect("accounts:members_unit", kind=kind, code=code)


def _back(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
def account_active(request, user_id, active):
    """Deactivate (or reactivate) an account: it can no longer sign in; its history stays."""
    _require_office(request)
    user = get_object_or_404(get_user_model(), pk=user_id)
    if user.is_superuser or permissions.is_office(user) or user.groups.filter(name=LEADERSHIP_GROUP).exists():
        raise PermissionDenied(_("The office's own accounts are managed by the administrator."))
    try:
        if active:
            services.account_reactivate(user=user, by=request.user)
        else:
            services.account_deactivate(user=user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, "accounts:members_index")
    if active:
        messages.success(request, _("%(person)s can sign in again.") % {"person": person_label(user)})
    else:
        messages.success(request, _("%(person)s has been deactivated.") % {"person": person_label(user)})
    return _back(request, "accounts:members_index")


# --- stand-ins -------------------------------------------------------------------------------------


def stand_ins(request):
    user = request.user
    office = permissions.is_office(user)
    can_name = bool(selectors.own_unit_group_ids([user.pk])[user.pk])
    form = StandInForm(request.POST or None, person=user) if can_name else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the people of a department or district name a stand-in."))
        if form.is_valid():
            try:
                record = services.stand_in_name(person=user, by=user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(person)s stands in for you from %(start)s to %(end)s.")
                    % {"person": person_label(record.stand_in), "start": record.start, "end": record.end},
                )
                return redirect("accounts:stand_ins")
        status = 400
    today = selectors.today()
    visible = list(selectors.stand_ins_visible_to(user, is_office=office))
    for record in visible:
        record.state = (
            "cancelled"
            if record.cancelled_at
            else "ended"
            if record.end < today
            else "upcoming"
            if record.start > today
            else "active"
        )
        record.may_cancel = record.state in ("active", "upcoming") and permissions.can_cancel_stand_in(user, record)
    context = {
        "form": form,
        "named": [r for r in visible if r.person_id == user.pk],
        "standing_in": [r for r in visible if r.stand_in_id == user.pk],
        "others": [r for r in visible if user.pk not in (r.person_id, r.stand_in_id)],
        "office": office,
        "section": "stand_ins",
    }
    return render(request, "accounts/stand_ins.html", context, status=status)


@require_POST
def stand_in_cancel(request, pk):
    user = request.user
    record = get_object_or_404(selectors.stand_ins_visible_to(user, is_office=permissions.is_office(user)), pk=pk)
    if not permissions.can_cancel_stand_in(user, record):
        raise PermissionDenied(_("You may not end this stand-in."))
    try:
        services.stand_in_cancel(stand_in=record, by=user)
    except ValidationError:
        return render(request, "accounts/stand_in_ended.html", {"record": record}, status=409)
    messages.success(request, _("The stand-in has ended."))
    return redirect("accounts:stand_ins")

