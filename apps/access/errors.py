from apps.core.errors import DomainError, NotAuthenticated


class OAuthTokenFailed(NotAuthenticated):
    code, template = 401, "Failed to generate OAuth token"


class AttributionInvalid(DomainError):
    code, status, template = 400, 400, "Invalid X-CAP-API-ATTRIBUTION-ENTITY-TYPE or X-CAP-API-ATTRIBUTION-ENTITY-CODE"


class AccessGroupInvalid(DomainError):
    code, status, template = 400, 400, "Invalid access group"
