"""What the households' and the children's back office share: languages."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from families.models import Language


def speaks(code: str) -> Q:
    # Languages are a JSON list of codes; a quoted code matches one element on every database.
    return Q(languages__icontains=f'"{code}"')


class LanguagesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Language.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return Language.choices

    def queryset(self, request, queryset):
        if self.value() in Language.values:
            return queryset.filter(speaks(self.value()))
        return queryset
