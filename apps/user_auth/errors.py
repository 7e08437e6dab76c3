"""Error codes of customer user authentication (the platform's 910xx user_auth codes and auth-engine 15xx codes)."""
from apps.core.errors import DomainError, NotFound, register_constraint_error


class AuthorizationFailed(DomainError):
    """Wrong password, unknown user or no password set: one answer, so logins cannot probe who is registered."""

    code, status, template = 91024, 401, "Authentication failed. Unable to authorize user with the given credentials"


class UserNotRegistered(NotFound):
    code, template = 91026, "Unable to update password: the user has not registered a password"


class UsernameInvalid(NotFound):
    code, template = 91027, "Invalid username (mobile number/email id)"


class UsernameMissing(DomainError):
    code, status, template = 91027, 400, "Invalid username (mobile number/email id): pass mobile or email"


class UsernamesDisagree(DomainError):
    code, status, template = 91027, 400, "Invalid username: the mobile number and email id name different customers"


class PasswordFormatInvalid(DomainError):
    code, status, template = 91028, 400, "Invalid password format. Pass the password in MD5 Hash format"


class AlreadyRegistered(DomainError):
    code, status, template = 91029, 409, "User is registered already"


class PasswordUnchanged(DomainError):
    code, status, template = 1527, 400, "Old password and new password cannot be same"


class AccountLocked(DomainError):
    code, status = 1530, 429
    template = "Reached the maximum allowed password retry attempts. Try again in {minutes} minute(s)"

    def __init__(self, *args, wait: int = 60, **kwargs):
        self.wait = max(1, int(wait))  # seconds; the API sends it as Retry-After
        super().__init__(*args, minutes=max(1, -(-self.wait // 60)), **kwargs)


register_constraint_error("user_auth_customercredential_unique_customer", AlreadyRegistered)
