"""Error pages in the site's look and in plain words. They never show technical detail."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def request_too_big(request):
    """What a person sees when a form was over the size limit (see workshops/middleware.py)."""
    return render(request, "413.html", status=413)


def server_error(request):
    # Rendered without the request context: the failure may have come from it.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
