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
