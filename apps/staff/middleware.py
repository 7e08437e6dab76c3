"""For back-office pages: the logged-in staff member's organisation becomes request.org."""


class StaffOrgMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not hasattr(request, "org"):
            request.org = user.org  # None for platform operators, who see every org in the admin
        return self.get_response(request)
