"""Error pages in the site's look and in plain words. They never show technical detail."""

from functools import wraps

from django.db import connection
from django.shortcuts import render


def _gives_back_its_connection(view):
    """Under ASGI, Django 5.2 renders an error page on a thread of its own, not the request's
    (Django ticket #36027, changed in a later release), so a database connection the page opens
    there (the header reads the person's organisations) is never handed back to the pool:
    enough refused requests would empty it. Close what this thread opened, once rendered."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        had_connection = connection.connection is not None
        try:
            return view(request, *args, **kwargs)
        finally:
            if not had_connection and not connection.in_atomic_block:
                connection.close()

    return wrapped


@_gives_back_its_connection
def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


@_gives_back_its_connection
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@_gives_back_its_connection
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
