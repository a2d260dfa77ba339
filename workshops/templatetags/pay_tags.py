"""Money in templates: whole pence shown as £12.50."""

from django import template

from workshops.pay import money as pence_as_pounds

register = template.Library()


@register.filter
def money(pence):
    return pence_as_pounds(pence)
