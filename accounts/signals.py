"""Sign-in records the session and applies the account's language; sign-out forgets the session; a
changed password ends every token and session of the account."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from . import selectors, services
from .models import ActingRecord, Profile

User = get_user_model()


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    services.record_session(request, user)
    services.reconcile_session_day(request, user)  # stand-ins that began or ended since
    language = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    if language:
        # Set as the language cookie on the response by accounts.middleware.
        request.cbec_language = language


@receiver(user_logged_out, dispatch_uid="accounts.signed_out")
def signed_out(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.forget_session(request.session.session_key)


@receiver(pre_save, sender=User, dispatch_uid="accounts.password_watch")
def note_password_change(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._cbec_password_changed = old is not None and old != instance.password


@receiver(post_save, sender=User, dispatch_uid="accounts.password_changed")
def password_changed(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_cbec_password_changed", False):
        instance._cbec_password_changed = False
        # In the same transaction as the new password: both happen or neither.
        services.revoke_all_credentials(instance)


@receiver(post_create_historical_record, dispatch_uid="accounts.acting_for")
def note_acting_for(sender, history_instance, history_user=None, **kwargs):
    """A change made by someone standing in for others today is recorded "by X for Y"."""
    user_id = getattr(history_user, "pk", None)
    if user_id is None:
        return
    persons = selectors.standing_in_for_ids(user_id)
    if persons:
        content_type = ContentType.objects.get_for_model(sender)
        ActingRecord.objects.bulk_create(
            [
                ActingRecord(
                    content_type=content_type, history_id=history_instance.pk, stand_in_id=user_id, person_id=person
                )
                for person in persons
            ]
        )
