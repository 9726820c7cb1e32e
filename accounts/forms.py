from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import CHANNEL_FIELDS, Channel, Delivery, Profile

phone_validator = RegexValidator(r"^\+?[0-9][0-9 \-]{4,18}$", _("Enter a phone number: digits, spaces, “-”, “+”."))


class ProfileForm(forms.ModelForm):
    """Contacts, language and one choice per notification channel. A channel left at the role's
    default is stored as "follow the default", so it changes with the role."""

    class Meta:
        model = Profile
        fields = ["phone", "wecom_userid", "dingtalk_userid", "language"]
        widgets = {"language": forms.Select}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["phone"].validators.append(phone_validator)
        self.fields["language"].choices = [("", _("Site default (Chinese)")), *self.fields["language"].choices[1:]]
        self.defaults = {channel: selectors.default_preference(user, channel) for channel in Channel}
        for channel in Channel:
            field = CHANNEL_FIELDS[channel]
            self.fields[field] = forms.ChoiceField(
                label=channel.label,
                choices=Delivery.choices,
                initial=getattr(self.instance, field) or self.defaults[channel],
                help_text=_("Default for your role: %(default)s") % {"default": Delivery(self.defaults[channel]).label},
            )

    def channel_fields(self):
        return [self[CHANNEL_FIELDS[channel]] for channel in Channel]

    def contact_fields(self):
        return [self[name] for name in ("phone", "wecom_userid", "dingtalk_userid", "language")]

    def save(self, commit=True):
        profile = super().save(commit=False)
        for channel in Channel:
            field = CHANNEL_FIELDS[channel]
            chosen = self.cleaned_data[field]
            setattr(profile, field, "" if chosen == self.defaults[channel] else chosen)
        if commit:
            profile.save()
        return profile


# --- the units' people and stand-ins -----------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    """People by name and unit, never by login name."""

    def label_from_instance(self, obj):
        from tasks_app.core.people import person_label

        return person_label(obj)


class MemberAddForm(forms.Form):
    KIND_MEMBER = "member"
    KIND_COLLEAGUE = "colleague"

    user = PersonChoiceField(label=_("Account"), queryset=None)
    kind = forms.ChoiceField(
        label=_("As"),
        choices=[
            (KIND_MEMBER, _("liaison / officer (the unit's access)")),
            (KIND_COLLEAGUE, _("colleague (no access; may be named a stand-in)")),
        ],
        initial=KIND_MEMBER,
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        members = selectors.unit_members(group).values("pk")
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).exclude(pk__in=members).order_by("first_name", "username")
        )


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the format <input type=date> reads


class StandInForm(forms.Form):
    stand_in = PersonChoiceField(label=_("Stand-in"), queryset=None)
    start = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end = forms.DateField(label=_("Until (included)"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stand_in"].queryset = selectors.eligible_stand_ins(person)
        self.fields["start"].initial = selectors.today()
