from workshops.selectors.members import memberships_for_user


def current_membership(request):
    """The signed-in person's organisations, for the switcher in the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_memberships": memberships_for_user(user)}
