"""microcreds settings: one file, read from the environment.

With nothing set, the app runs on an embedded default (SQLite, local files, tasks in-process)
so `make run` works on a fresh clone. Every real service is switched on by its variable.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="insecure-dev-only-key-change-me-0123456789abcdefghijkl")
else:
    # Required in production: a missing key must stop the process, not fall back to a known one.
    SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates, for the project's form renderer.
    "django.forms",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "outbox",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "accounts",
    "notifications",
    "credentials",
    "programs",
    "submissions",
    "artifacts",
    "badges",
    "reviews",
    "people",
    "reports",
    "states",
    "webhooks",
    "wallets",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "microcreds.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "microcreds.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "microcreds.urls"
WSGI_APPLICATION = "microcreds.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Every form renders through templates/forms/ (one field template, one error summary).
FORM_RENDERER = "microcreds.forms.FormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (`make run`): several requests at once (a few evidence files
    # uploaded together) each write. A transaction takes SQLite's write lock when it begins, and
    # one that finds it held waits up to 20 s for it, instead of failing half-way with
    # "database is locked"; in WAL mode, reading pages never waits for a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# Each worker keeps its connection for a minute instead of opening one per request (a new
# PostgreSQL connection costs more than most of our pages' queries); a connection that broke while
# it was idle is noticed at the start of the next request and replaced.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
# The queries every page runs (microcreds.prepared) are server-side prepared statements on
# PostgreSQL, each parsed once per connection. Off (0) behind a pooler that shares one session
# between connections (PgBouncer in transaction mode), where a statement would not be there.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Argon2id at OWASP's minimum parameters (accounts.hashers: about 30 ms of CPU per check). The
# others stay so that older hashes still verify; each is re-hashed with Argon2id at the person's
# next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True
# One way of writing dates across the site (microcreds/formats/en/formats.py: DATE_FORMAT,
# DATETIME_FORMAT, SHORT_DATE_FORMAT...); with USE_I18N a format module is what wins.
FORMAT_MODULE_PATH = ["microcreds.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# --- Redis: cache (sessions, rate limits, report figures), Celery broker -------------------------
REDIS_URL = env("REDIS_URL", default="")
REDIS_CACHE_URL = env("REDIS_CACHE_URL", default=REDIS_URL)
if REDIS_CACHE_URL:
    # An unreachable Redis is a cache miss (microcreds.cache): pages keep working from the
    # database. Short timeouts, so a Redis that does not answer costs a request little.
    CACHES = {
        "default": {
            "BACKEND": "microcreds.cache.ResilientRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered fragments, keyed on everything they show (the catalog's cards, the plan editor's
# fields and blank source row, report and queue rows, charts, a review's fresh fields): in each
# process's own memory, so a fragment is never older than the code and templates that rendered
# it; none while developing, where templates change under a running server. Most are a few kB;
# a reviewer's queue rows or a report's page take one or two each, so the default holds a
# district's morning (about 10 MB a process at most); the oldest third goes when it is full.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends."
    + ("dummy.DummyCache" if DEBUG else "locmem.LocMemCache"),
    "LOCATION": "fragments",
    "TIMEOUT": 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": env.int("FRAGMENT_CACHE_ENTRIES", default=1000)},
}
# With Redis, sessions are read from it and written through to the database, so a Redis restart
# (or a full cache) signs nobody out; without it, from the database alone (the local-memory cache
# is one process's).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_CACHE_URL
    else "django.contrib.sessions.backends.db"
)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# No broker configured: tasks run in-process so the embedded default needs nothing else.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task held by a worker that died is handed out again once it has been invisible this long;
# Redis looks for such tasks every interval x throttle seconds (kombu's defaults: 10 x 10).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
CELERY_BEAT_SCHEDULE: dict = {}
# Tasks queued in a transaction go out after its commit (outbox.services); what the broker could
# not take then (it was down) is sent by this relay once it is back.
OUTBOX_RELAY_SECONDS = env.int("OUTBOX_RELAY_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["outbox-relay"] = {
    "task": "outbox.tasks.outbox_relay_pending",
    "schedule": OUTBOX_RELAY_SECONDS,
}
# Daily: abandoned uploads are dropped, artifact files past a district's retention deleted.
# (artifacts.tasks.apply_artifact_retention, registered under its name from before the move.)
CELERY_BEAT_SCHEDULE["artifact-retention"] = {
    "task": "submissions.tasks.apply_artifact_retention",
    "schedule": 24 * 3600,
}
# Hourly: overdue reviews remind their reviewer, and later the panel's chair.
CELERY_BEAT_SCHEDULE["review-overdue-reminders"] = {
    "task": "reviews.tasks.send_overdue_reminders",
    "schedule": 3600,
}
# Every 5 minutes: earned submissions whose award has not come through go back to issuance.
CELERY_BEAT_SCHEDULE["badge-issuance-recovery"] = {
    "task": "badges.tasks.recover_stuck_issuance",
    "schedule": 300,
}
# Hourly: educators hear 60, 30 and 7 days before an award expires, once each, with the link
# to renew it (badges.services.renewal_reminders_send).
CELERY_BEAT_SCHEDULE["award-renewal-reminders"] = {
    "task": "badges.tasks.send_renewal_reminders",
    "schedule": 3600,
}
# Every minute: report figures of districts whose data changed are computed ahead of a visit.
CELERY_BEAT_SCHEDULE["report-figures-warm"] = {
    "task": "reports.tasks.report_figures_warm",
    "schedule": 60,
}
# Webhooks (webhooks/): each delivery is sent after the commit of its change; this beat task
# sends the retries that have come due (and any first send a crash lost) every
# WEBHOOK_RETRY_SECONDS. A receiver gets WEBHOOK_TIMEOUT_SECONDS per connect and per read.
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=30)
CELERY_BEAT_SCHEDULE["webhook-retries"] = {
    "task": "webhooks.tasks.deliver_due_webhooks",
    "schedule": WEBHOOK_RETRY_SECONDS,
}
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Receivers must be public HTTPS addresses (webhooks/addresses.py). With DEBUG, this machine's
# own addresses are admitted too, over HTTP as well; WEBHOOK_ALLOWED_NETWORKS admits private
# networks by CIDR (e.g. a receiver inside the district's network: "10.20.0.0/16").
WEBHOOK_ALLOW_LOOPBACK = env.bool("WEBHOOK_ALLOW_LOOPBACK", default=DEBUG)
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])

# --- Object storage: S3 API when configured, local files otherwise ------------------------------
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="us-east-1")
USE_S3 = bool(AWS_STORAGE_BUCKET_NAME)
if USE_S3:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "region_name": AWS_S3_REGION_NAME,
            # Student work is private: no public ACLs, every read is a short-lived signed URL.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# --- Mail -------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that accepts the connection and then says nothing must not hold a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="microcreds <no-reply@microcreds.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Sign-in (django-allauth) -----------------------------------------------------------------
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# allauth's e-mail subjects start with the product's name, not the host the request reached.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[microcreds] "
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Districts invite their people; open sign-up is off unless a district turns it on.
ACCOUNT_ALLOW_SIGNUPS = env.bool("ACCOUNT_ALLOW_SIGNUPS", default=False)
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
# Every teacher of a school (often of the whole district) reaches us from one NAT address, so the
# limits per address are sized for a district signing in at once on a Monday morning; guessing is
# stopped per account ("key": the e-mail address). Behind a reverse proxy, set
# ALLAUTH_TRUSTED_PROXY_COUNT, or every limit per address counts the proxy's address instead.
# With Redis they are counted without a lock (accounts.ratelimit), so that sign-ins arriving
# together from one address are never refused for waiting on each other.
ACCOUNT_RATE_LIMITS = {
    # Sign-ins, right or wrong, per client address.
    "login": env("LOGIN_RATE_LIMIT_IP", default="600/m/ip"),
    # Failed sign-ins per client address, and per account: past either, even the right password
    # is refused until the window has passed.
    "login_failed": env("LOGIN_RATE_LIMIT", default="100/m/ip,5/300s/key"),
    # Password reset e-mails, and the page their link opens: per address as above, per account
    # as allauth has them.
    "reset_password": "100/m/ip,5/m/key",
    "reset_password_from_key": "100/m/ip",
    "signup": "100/m/ip",
    "confirm_email": "1/180s/key",
    # Signed in: per person, as allauth has them.
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # Sign-in codes and phone numbers are not switched on; allauth's limits, should they be.
    "request_login_code": "20/m/ip,3/m/key",
    "change_phone": "1/m/user",
    "verify_phone": "1/30s/key,3/m/ip",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_SESSION_REMEMBER = None
# Every way in goes through allauth's login stages, the second factor among them: a reset link or
# an e-mail confirmation never signs anyone in by itself.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
# An invitation link (people.services) works once, for this many seconds.
INVITATION_TIMEOUT = env.int("INVITATION_TIMEOUT", default=2 * 24 * 3600)
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_ONLY = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="microcreds")

SOCIALACCOUNT_PROVIDERS: dict = {}
if env("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env("GOOGLE_CLIENT_ID"),
                "secret": env("GOOGLE_CLIENT_SECRET"),
                "key": "",
            }
        ],
        "SCOPE": ["profile", "email"],
        "EMAIL_AUTHENTICATION": True,
    }
if env("MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env("MICROSOFT_CLIENT_ID"),
                "secret": env("MICROSOFT_CLIENT_SECRET"),
                "settings": {"tenant": env("MICROSOFT_TENANT", default="organizations")},
            }
        ],
        "EMAIL_AUTHENTICATION": True,
    }

# --- Security posture -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The origin browsers upload to: the configured endpoint, else AWS's regional one (path style,
# as artifacts.storage signs it).
_storage_origin = (
    (AWS_S3_ENDPOINT_URL or f"https://s3.{AWS_S3_REGION_NAME}.amazonaws.com").rstrip("/")
    if USE_S3
    else ""
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + ([_storage_origin] if _storage_origin else []),
        "media-src": ["'self'"] + ([_storage_origin] if _storage_origin else []),
        # Browser uploads go straight to object storage.
        "connect-src": ["'self'"] + ([_storage_origin] if _storage_origin else []),
        "form-action": ["'self'"] + ([_storage_origin] if _storage_origin else []),
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- The REST API (api/): OAuth 2.0 client credentials, OpenAPI 3 --------------------------------
# Scopes a district admin grants an API client (api.models.ApiClient); a token carries a subset.
API_SCOPES = {
    "people:read": "Read people and buildings",
    "people:write": "Create, update and deactivate people and buildings (roster sync)",
    "catalog:read": "Read the published catalog",
    "progress:read": "Read plans' and submissions' status and dates, and re-licensure status",
    "awards:read": "Read awards, their verification URL and credential",
    "awards:write": "Revoke awards",
    "ledger:read": "Read the salary ledger",
    "reports:read": "Read the program's report figures",
}
# Scopes an educator grants a wallet (wallets/, the 1EdTech Open Badges 3.0 API). They are never
# a district client's, and a district client's never a wallet's (api.oauth.ClientScopesValidator).
OB_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
WALLET_SCOPES = {
    f"{OB_SCOPE}credential.readonly": "Read the micro-credentials you have earned",
    f"{OB_SCOPE}profile.readonly": "Read your name and e-mail address",
    # Wallets ask for it (the specification's examples do); it lets them refresh their access
    # until you disconnect them.
    "offline_access": "Stay connected until you disconnect it",
}
# Shown to wallets in the discovery document; our own page unless the deployment has its own.
WALLET_PRIVACY_POLICY_URL = env("WALLET_PRIVACY_POLICY_URL", default="")
WALLET_TERMS_OF_SERVICE_URL = env("WALLET_TERMS_OF_SERVICE_URL", default="")
# Registrations per address (open dynamic client registration); past it, 429 with Retry-After.
WALLET_REGISTRATION_RATE = env("WALLET_REGISTRATION_RATE", default="20/hour")
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {**API_SCOPES, **WALLET_SCOPES},
    "DEFAULT_SCOPES": [],
    # A token's scopes are the client's (api.oauth.ClientScopesValidator), no more.
    "OAUTH2_VALIDATOR_CLASS": "api.oauth.ClientScopesValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("API_TOKEN_SECONDS", default=3600),
    # The OAuth 2.0 Security BCP (RFC 9700) throughout, ahead of DOT 4.0's defaults: no implicit
    # or password grant, S256 PKCE only, tokens in the Authorization header only and stored
    # hashed, https redirect URIs only (district clients use client credentials, which has none;
    # wallets use the authorization code with S256 PKCE, always required).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    # The 1EdTech Security Framework's recommendation: a code lives ten minutes at most.
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
}
# Calls per client; a client past it is answered 429 with Retry-After.
API_RATE = env("API_RATE", default="600/min")
# The ledger serves entries this many seconds old at least, so that a change whose transaction
# commits after a later one's is never skipped by a client's cursor.
API_LEDGER_SETTLE_SECONDS = env.int("API_LEDGER_SETTLE_SECONDS", default=10)
# A write's Idempotency-Key is remembered this long (hours) for its replay.
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ClientHasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": API_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_details_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "microcreds API",
    "DESCRIPTION": (
        "The district's micro-credential program for HR, the student information system and "
        "other systems. Authenticate with OAuth 2.0 client credentials at /api/oauth/token/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    # Swagger UI from the vendored package (drf_spectacular_sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"botocore": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}},
}

# --- Program defaults (overridable per district in the database) ------------------------------
ARTIFACT_MAX_BYTES = env.int("ARTIFACT_MAX_BYTES", default=2 * 1024**3)
# Kinds of evidence file accepted at all (an evidence type may narrow it further).
ARTIFACT_ALLOWED_FAMILIES = env.list(
    "ARTIFACT_ALLOWED_FAMILIES", default=["document", "image", "video", "audio"]
)
# Files above this go to S3 as multipart uploads that resume after a broken connection.
ARTIFACT_MULTIPART_THRESHOLD = env.int("ARTIFACT_MULTIPART_THRESHOLD", default=64 * 1024**2)
PRESIGNED_URL_SECONDS = env.int("PRESIGNED_URL_SECONDS", default=300)
CLAMD_HOST = env("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
# Without CLAMD_HOST files are accepted unscanned: `check` warns and `check --deploy` fails unless
# the deployment says it has no scanner on purpose with ARTIFACT_SCAN_DISABLED=1.
ARTIFACT_SCAN_DISABLED = env.bool("ARTIFACT_SCAN_DISABLED", default=False)
BADGE_KEYS_DIR = Path(env("BADGE_KEYS_DIR", default=str(BASE_DIR / "keys")))
