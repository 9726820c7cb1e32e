"""Who may manage the units' people: the supervision office (and administrators)."""

from departments.roles import SUPERVISION_GROUP


def is_office(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=SUPERVISION_GROUP).exists()


def can_manage_membership(user) -> bool:
    """Add and remove the liaisons of a department and the officers of a district, name colleagues,
    deactivate their accounts."""
    return is_office(user)


def can_cancel_stand_in(user, stand_in) -> bool:
    return user.pk in (stand_in.person_id, stand_in.stand_in_id, stand_in.created_by_id) or is_office(user)
