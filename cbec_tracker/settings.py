"""Settings for the CBEC Plan Tracker.

Every setting comes from the environment. The defaults are the *embedded* mode:
SQLite in the project folder, no Redis, so that a fresh clone runs with only
Python. Production sets DEBUG off, SECRET_KEY, DATABASE_URL and REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: a production host that forgets the variable must not leak tracebacks.
DEBUG = env_bool("DEBUG", False)

# A key that is obviously a development key; production refuses it (see below).
_DEVELOPMENT_SECRET_KEY = "dev-insecure-cbec-tracker-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set a long random SECRET_KEY in the environment, or DEBUG=1 for local development."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
elif not DEBUG and SECRET_KEY.startswith("change-me"):
    # The placeholder of .env.example is long enough, but public.
    raise ImproperlyConfigured("SECRET_KEY is the placeholder of .env.example; set a random one.")

# The product's own 404 / 500 pages also with DEBUG on (the demo sets it; developers keep Django's).
CBEC_PRODUCT_ERROR_PAGES = env_bool("CBEC_PRODUCT_ERROR_PAGES", False)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the site is served under.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "django_filters",
    "django_tables2",
    "guardian",
    "simple_history",
    "axes",
    "departments",
    "tasks_app",
    "messaging",
    "accounts",
    "workdays",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cbec_tracker.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # /plans/<code>/… answers within that plan (before the URL is resolved; a plan not visible: 404).
    "tasks_app.plan.middleware.PlanInUrlMiddleware",
    # Idle sessions end; activity and the signed-in language are recorded.
    "accounts.middleware.SessionActivityMiddleware",
    "cbec_tracker.middleware.PageLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cbec_tracker.middleware.ProductErrorPagesMiddleware",
    # NUL bytes and out-of-range paging parameters: 400 in the API, 404 on a page (before any view).
    "tasks_app.core.request_guard.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # current_plan() without a user answers for the request's user (their government's plan).
    "tasks_app.plan.middleware.CurrentRequestMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cbec_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tasks_app.reminders.context_processors.notifications",
                "tasks_app.plan.context_processors.plans",
            ],
        },
    },
]

WSGI_APPLICATION = "cbec_tracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database: writers queue for the lock when their transaction begins (instead of
    # failing with "database is locked" when two of them upgrade at once), waiting up to 20 s.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Lockout first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Model permissions remembered per user between requests (accounts/backends.py); signs nobody in.
    "accounts.backends.RememberedPermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# Directory sign-in (LDAP), only when LDAP_SERVER_URI is set; needs requirements-ldap.txt. The
# directory's backend goes right before ModelBackend; LDAP_UNIT_GROUPS maps directory groups to the
# department / district groups (accounts.ldap_config, .env.example).
LDAP_SERVER_URI = os.environ.get("LDAP_SERVER_URI", "")
LDAP_UNIT_GROUPS: dict[str, str] = {}
if LDAP_SERVER_URI:
    from accounts.ldap_config import backends as _ldap_backends
    from accounts.ldap_config import directory_settings as _directory_settings

    globals().update(_directory_settings(os.environ))
    AUTHENTICATION_BACKENDS = _ldap_backends(AUTHENTICATION_BACKENDS)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Passwords set through forms; the demo password (cbec-demo-2026) passes these.
# Sessions end after SESSION_IDLE_MINUTES without a request (accounts.middleware), and expire in the
# session store and the browser after as long without activity.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

# API tokens (django-rest-knox): hashed in the database, expiring, ended by a password change.
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "720"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tasks_app:home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username + address pair after repeated failures, for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The lockout page (and the API's 429) says when to try again.
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The client address: X-Forwarded-For is believed only through TRUSTED_PROXY_COUNT reverse proxies
# (default 0: ignored, REMOTE_ADDR is the client). AXES_PROXY_COUNT is the former name.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or os.environ.get("AXES_PROXY_COUNT") or "0")
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"

# Guardian: no anonymous user object; every page requires login.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
FORMAT_MODULE_PATH = ["cbec_tracker.formats"]  # ISO dates in both languages
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Absolute: a page answered within a plan (/plans/<code>/…) has that as its script prefix, which a
# relative STATIC_URL would take on.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence lives outside the static root and is served only through permission-checked views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Evidence files and attachments: at most this size; types are checked by content (tasks_app.attachments).
CBEC_MAX_UPLOAD_BYTES = int(os.environ.get("CBEC_MAX_UPLOAD_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")

# Celery: Redis in production; without REDIS_URL a broker in files under .celery/ (embedded mode:
# nothing to install or run but the worker, which `scripts/demo.sh` starts with its beat).
CELERY_DATA_DIR = Path(os.environ.get("CELERY_DATA_DIR", BASE_DIR / ".celery"))
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "broker"),
        "data_folder_out": str(CELERY_DATA_DIR / "broker"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
    }
    for _folder in ("broker", "control"):
        (CELERY_DATA_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message to be redelivered
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that enqueues while Redis is down must not hang: fail fast, log, let the next scan catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "scan reminders every morning (Asia/Shanghai)": {
        "task": "tasks_app.tasks.scan_reminders",
        "schedule": crontab(hour=int(os.environ.get("CBEC_REMINDER_HOUR", "8")), minute=0),
    },
    "retry failed reminder deliveries": {
        "task": "tasks_app.tasks.deliver_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "run exports left queued": {
        "task": "tasks_app.tasks.run_queued_exports",
        "schedule": crontab(minute="*/15"),
    },
}

# Reminder rules (PRODUCT.md): days before the due date; escalation every N days overdue; the day
# of the month from which a missing monthly progress report is chased; delivery retries.
CBEC_REMINDER_DUE_SOON_DAYS = [int(d) for d in os.environ.get("CBEC_REMINDER_DUE_SOON_DAYS", "7,1").split(",")]
CBEC_ESCALATION_EVERY_DAYS = int(os.environ.get("CBEC_ESCALATION_EVERY_DAYS", "7"))
# Days a department has to sign for and answer a 督办 notice (the office may set another date).
CBEC_NOTICE_REPLY_DAYS = int(os.environ.get("CBEC_NOTICE_REPLY_DAYS", "5"))
CBEC_MONTHLY_REPORT_DAY = int(os.environ.get("CBEC_MONTHLY_REPORT_DAY", "25"))
CBEC_DELIVERY_MAX_ATTEMPTS = int(os.environ.get("CBEC_DELIVERY_MAX_ATTEMPTS", "5"))
# Exports of more rows than this are made by a worker in the background (progress, then a notification).
CBEC_EXPORT_INLINE_ROWS = int(os.environ.get("CBEC_EXPORT_INLINE_ROWS", "5000"))
# Sheets of more rows than this are imported by a worker, with progress (tasks_app/exports/imports.py).
CBEC_IMPORT_INLINE_ROWS = int(os.environ.get("CBEC_IMPORT_INLINE_ROWS", "1000"))
CBEC_DELIVERY_CLAIM_MINUTES = 10  # unused since delivery leases (CBEC_DELIVERY_LEASE_SECONDS); kept for old .env files
CBEC_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("CBEC_WEBHOOK_TIMEOUT_SECONDS", "5"))
# Delivery (tasks_app/reminders/delivery.py): messages per claimed batch, and the claim's lease
# (never less than the batch can take at its timeouts plus a minute); at most once per message.
CBEC_DELIVERY_BATCH = int(os.environ.get("CBEC_DELIVERY_BATCH", "20"))
CBEC_DELIVERY_LEASE_SECONDS = int(os.environ.get("CBEC_DELIVERY_LEASE_SECONDS", "0"))
CBEC_DELIVERY_LEASE_MARGIN_SECONDS = float(os.environ.get("CBEC_DELIVERY_LEASE_MARGIN_SECONDS", "60"))
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
CBEC_REMINDER_HOUR = int(os.environ.get("CBEC_REMINDER_HOUR", "8"))
# Links in e-mails and digests point here.
CBEC_SITE_URL = os.environ.get("CBEC_SITE_URL", "http://localhost:8000").rstrip("/")
CELERY_BEAT_SCHEDULE["catch up an interrupted reminder scan"] = {
    "task": "tasks_app.tasks.catch_up_reminders",
    "schedule": crontab(minute="*/30"),
}

# Working days (workdays app): offsets before a due date for "due soon", days of grace before a
# milestone is overdue, escalation every N days overdue; with REMINDER_DAYS_ARE_WORKING_DAYS these
# count working days of the Chinese calendar (workdays.calendar), else calendar days. Read them
# through workdays.settings_values(), which checks them.
WORKDAYS_DUE_SOON_OFFSETS = os.environ.get("WORKDAYS_DUE_SOON_OFFSETS", "5,1")
WORKDAYS_OVERDUE_GRACE = int(os.environ.get("WORKDAYS_OVERDUE_GRACE", "0"))
WORKDAYS_ESCALATION_INTERVAL = int(os.environ.get("WORKDAYS_ESCALATION_INTERVAL", "5"))
REMINDER_DAYS_ARE_WORKING_DAYS = env_bool("REMINDER_DAYS_ARE_WORKING_DAYS", True)

# Departments that report the city's indicator figures (the data sources: 市商务局, 苏州海关).
CBEC_CITY_DATA_DEPARTMENTS = os.environ.get("CBEC_CITY_DATA_DEPARTMENTS", "commerce,customs").split(",")

# E-mail: SMTP when EMAIL_HOST is set; otherwise each message is written as a file in EMAIL_FILE_PATH
# (default .mail/), so reminders can be read without a mail server and do not flood the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / ".mail"))
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cbec-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Messages to individual people through 企业微信 / 钉钉 (messaging/). A channel is used only when all of
# its variables are set; `manage.py check` warns about one that is half set. Access tokens are kept
# in the cache CACHE_ALIAS names: a cache shared by the processes (Redis) lets them share a token.
MESSAGING = {
    "TIMEOUT_SECONDS": float(os.environ.get("MESSAGING_TIMEOUT_SECONDS", "5")),
    "CACHE_ALIAS": os.environ.get("MESSAGING_CACHE_ALIAS", "default"),
    "WECOM": {
        "BASE_URL": os.environ.get("WECOM_BASE_URL", "https://qyapi.weixin.qq.com"),
        "CORP_ID": os.environ.get("WECOM_CORP_ID", ""),
        "SECRET": os.environ.get("WECOM_SECRET", ""),
        "AGENT_ID": os.environ.get("WECOM_AGENT_ID", ""),
    },
    "DINGTALK": {
        "BASE_URL": os.environ.get("DINGTALK_BASE_URL", "https://oapi.dingtalk.com"),
        "APP_KEY": os.environ.get("DINGTALK_APP_KEY", ""),
        "APP_SECRET": os.environ.get("DINGTALK_APP_SECRET", ""),
        "AGENT_ID": os.environ.get("DINGTALK_AGENT_ID", ""),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes an anonymous call a 401, not a 403.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Signed in, and a plan named in the URL is one the caller may see (else 404).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "tasks_app.plan.api_access.PlanInUrlVisible",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # At most 500 rows a page; malformed or out-of-range paging parameters are a 400 (core/request_guard.py).
    "DEFAULT_PAGINATION_CLASS": "tasks_app.core.api_pagination.BoundedLimitOffsetPagination",
    # JSON bodies must be objects, not too deep, without NUL characters (tasks_app/core/api_input.py).
    "DEFAULT_PARSER_CLASSES": [
        "tasks_app.core.api_input.ObjectJSONParser",
        "tasks_app.core.api_input.CheckedFormParser",
        "tasks_app.core.api_input.CheckedMultiPartParser",
    ],
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "tasks_app.core.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CBEC Plan Tracker API",
    "DESCRIPTION": "Tracking the Suzhou cross-border e-commerce pilot zone three-year action plan.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "MilestoneStatusEnum": "tasks_app.models.MilestoneStatus",
        "ImplementationStatusEnum": "tasks_app.models.ImplementationStatus",
        "DeliveryStatusEnum": "tasks_app.models.DeliveryStatus",
    },
    # Every operation documents its 400/401/403/404/409 answers (tasks_app/core/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tasks_app.core.api_schema.document_error_responses",
    ],
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# Dates and periods outside these years are refused everywhere (a year typo, 1026 for 2026).
CBEC_EARLIEST_YEAR = int(os.environ.get("CBEC_EARLIEST_YEAR", "2000"))
CBEC_LATEST_YEAR = int(os.environ.get("CBEC_LATEST_YEAR", "2100"))

# Which plan the pages and the API show when more than one is loaded (e.g. the next three-year plan).
CBEC_PLAN_CODE = os.environ.get("CBEC_PLAN_CODE", "")
CBEC_DEFAULT_PLAN_FILE = BASE_DIR / "fixtures" / "suzhou_cbec_plan_2024_2026.json"
# The government a plan file without a "government" key belongs to (created by the migrations).
CBEC_DEFAULT_GOVERNMENT = os.environ.get("CBEC_DEFAULT_GOVERNMENT", "suzhou")
CBEC_DEFAULT_GOVERNMENT_NAME = os.environ.get("CBEC_DEFAULT_GOVERNMENT_NAME", "苏州市")
# A clearly synthetic second city (an example), loaded by the tests and `seed_demo --sample`.
CBEC_EXAMPLE_CITY_PLAN_FILE = BASE_DIR / "fixtures" / "example_city_plan_2024_2026.json"

# Production hardening; `manage.py check --deploy` is clean when DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every asset is served from this site: no inline script or style, no eval, no framing (django-csp).
# Behaviour lives in static/js/, looks in static/css/ (the templates carry neither).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the empty favicon (base.html)
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
