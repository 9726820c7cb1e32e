from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SupervisionNoticeForm(forms.Form):
    message = forms.CharField(label=_("督办 notice"), widget=forms.Textarea(attrs={"rows": 2}))
