"""Who is trying to sign in, for throttling: the address a request came from (the connection's
own, or behind our proxies, settings.TRUSTED_PROXY_COUNT, the one the first of them saw) and
the account named."""

from django.conf import settings


def client_ip(request) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def sign_in_username(request, credentials) -> str:
    """The account a sign-in names: the email as typed, in lower case (emails sign in), cut to
    the longest an email can be (the attempts table keeps 255 characters)."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(typed).lower()[:254]
