"""Help pages that anyone may read, signed in or not."""

from django.views.generic import TemplateView


class GlossaryView(TemplateView):
    """What the words on these pages mean, in plain English."""

    template_name = "workshops/glossary.html"
