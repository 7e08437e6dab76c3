"""Django REST framework and drf-spectacular."""
import environ

env = environ.Env()

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.access.authentication.TillBasicAuthentication",
        "apps.access.authentication.OAuthTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.access.permissions.HasAccessGroupPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.throttling.CredentialRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.handlers.v2_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": "format",
    "COERCE_DECIMAL_TO_STRING": False,
}

# Requests per minute per API credential unless the org sets API_RATE_LIMIT_PER_MINUTE.
API_DEFAULT_RATE_PER_MINUTE = env.int("API_DEFAULT_RATE_PER_MINUTE", default=1200)
# OAuth access tokens: lifetime default and cap (the platform caps client token expiry at 60 minutes).
OAUTH_TOKEN_DEFAULT_TTL_SECONDS = env.int("OAUTH_TOKEN_DEFAULT_TTL_SECONDS", default=300)
OAUTH_TOKEN_MAX_TTL_SECONDS = 3600
# Idempotency-Key records are kept at least this long.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# An in-progress idempotent request older than this is considered crashed and may be retried.
IDEMPOTENCY_STALE_SECONDS = env.int("IDEMPOTENCY_STALE_SECONDS", default=120)

SPECTACULAR_SETTINGS = {
    "TITLE": "Loyalty back office API",
    "DESCRIPTION": "Loyalty+-compatible API: v1/v1.1 (legacy envelope), v2, v3 and api_gateway paths.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "basicAuth": {"type": "http", "scheme": "basic",
                          "description": "Till username and md5(password) (or the plain password)."},
            "oauthToken": {"type": "apiKey", "in": "header", "name": "X-CAP-API-OAUTH-TOKEN"},
        }
    },
    "SECURITY": [{"basicAuth": []}, {"oauthToken": []}],
    "AUTHENTICATION_WHITELIST": [],
}
