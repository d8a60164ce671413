"""Settings for the support-family programme.

Every value that differs between a laptop and production comes from the environment
(see the table in README.md). With nothing set, the project runs as a local demo on SQLite.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kalliola.env import envbool, envint, envlist, envprefixed, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", True)

_DEMO_SECRET_KEY = "insecure-local-demo-key-do-not-use-in-production"
SECRET_KEY = envstr("SECRET_KEY", _DEMO_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, used in e-mails and calendar files.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "anymail",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Before kalliola: kalliola/admin.py replaces auditlog's admin with a read-only one.
    "auditlog",
    "kalliola",
    "families",
    "trainings",
    "meetings",
    # Above the apps: what combines them (dashboard, statistics, portal start, demo data).
    "programme",
]

MIDDLEWARE = [
    # First: a load balancer's probe of /health/ over plain http, by the server's address, is
    # answered before the host check and the https redirect (kalliola/probe.py).
    "kalliola.probe.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the request: a NUL byte anywhere is a 400, never a 500.
    "kalliola.security.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kalliola.sessions.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages for a signed-in person: Cache-Control: private, no-store.
    "kalliola.security.PrivatePagesMiddleware",
    "kalliola.otp.RequireOTPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "programme.urls"
WSGI_APPLICATION = "kalliola.wsgi.application"

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
                "kalliola.context_processors.site",
            ],
        },
    },
]

# Database: PostgreSQL is the database of record; SQLite only for a zero-setup local demo.
DATABASE_URL = envstr("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails the request fast (a 503 page, kalliola/views.py)
    # instead of holding it: a stopped server refuses at once, a silent host after this many
    # seconds (2 is the least libpq allows).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DB_CONNECT_TIMEOUT", 2)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every worker in production (rate limits count across workers); local memory
# for the demo and tests. A cache outage costs speed, not service (kalliola/cache.py): no call
# waits longer than REDIS_TIMEOUT_MS to connect or to read, and a failed cache is left alone for
# CACHE_RETRY_SECONDS.
REDIS_URL = envstr("REDIS_URL", "")
REDIS_TIMEOUT_SECONDS = envint("REDIS_TIMEOUT_MS", 250) / 1000
CACHES = {
    "default": (
        {
            "BACKEND": "kalliola.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "retry_seconds": envint("CACHE_RETRY_SECONDS", 5),
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kalliola"}
    )
}
# Public forms: how many submissions one address may send in a minute before a 429 page.
PUBLIC_FORM_RATE_PER_MINUTE = envint("PUBLIC_FORM_RATE_PER_MINUTE", 10)
# How long the link in a yearly statement e-mail opens the statement (families.services.statements).
STATEMENT_LINK_DAYS = envint("STATEMENT_LINK_DAYS", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes watches every login (portal and admin) and refuses one user name from one address
# after AXES_FAILURE_LIMIT wrong passwords, for AXES_COOLOFF_MINUTES. Logins without a request
# (the test client, the shell) are not web logins and are let through to the password check.
AUTHENTICATION_BACKENDS = [
    "kalliola.security.LockoutBackend",
    # ModelBackend with each user's permissions cached until they change (kalliola/access.py).
    "kalliola.access.CachedPermissionsBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kalliola.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "kalliola.security.client_ip"
AXES_USERNAME_CALLABLE = "kalliola.security.client_username"
AXES_CLIENT_STR_CALLABLE = "kalliola.security.client_str"
# Successful logins are not stored (they would be one more register of personal data); failed
# attempts are, until the lock-out ends (see README, "Privacy and security").
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Two-factor sign-in (kalliola.otp) is required for coordinators, superusers and support workers.
# OTP_REQUIRED=false switches it off for the local demo only: with DEBUG off it is always on.
OTP_REQUIRED = envbool("OTP_REQUIRED", True) or not DEBUG
OTP_TOTP_ISSUER = envstr("OTP_TOTP_ISSUER", "Kalliola tukiperhetoiminta")

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "home"

# Sessions of staff end after inactivity: kalliola.sessions renews a session (and its cookie)
# at most once per SESSION_REFRESH_SECONDS instead of writing it on every request.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60)
SESSION_REFRESH_SECONDS = envint("SESSION_REFRESH_SECONDS", 60)
# With a shared cache (Redis) sessions are read from it and written to both; without one (the
# demo, tests) the database alone, since per-process memory caches would not see a log-out.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Audit trail (kalliola.audit): who changed or opened what. Addresses are not stored with it.
AUDITLOG_DISABLE_REMOTE_ADDR = True

# Languages: Finnish is the default and has no URL prefix; Swedish and English under /sv/, /en/.
LANGUAGE_CODE = "fi"
LANGUAGES = [
    ("fi", _("Finnish")),
    ("sv", _("Swedish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language across the portal, the admin and e-mail (kalliola/formats/).
FORMAT_MODULE_PATH = ["kalliola.formats"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail. Three ways, first match wins:
# - EMAIL_PROVIDER names an Anymail backend (mailgun, postmark, sendgrid, brevo, amazon_ses, ...);
#   every ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"] (Anymail reads its settings, not the
#   environment), so each provider's documented names work as they are, the API URL included.
# - EMAIL_BACKEND, any Django backend by its dotted path.
# - Otherwise SMTP to EMAIL_HOST when DEBUG is off, the console for the local demo.
# `check --deploy` refuses a console, file or memory backend (kalliola/checks.py): they would put
# whole mails, names and addresses in the log, or nowhere.
EMAIL_PROVIDER = envstr("EMAIL_PROVIDER", "")
ANYMAIL = envprefixed("ANYMAIL_")
if EMAIL_PROVIDER:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
else:
    EMAIL_BACKEND = envstr(
        "EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Tukiperhetoiminta <noreply@example.org>")
SERVER_EMAIL = envstr("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Who gets a mail for every server error (500): comma-separated addresses. The mail names the
# error, the code and the request's path and method, never a value of the form, the query string,
# the cookies or the code's variables (kalliola/errors.py): they could be what a person typed.
ADMINS = [("", address) for address in envlist("ADMINS", [])]
DEFAULT_EXCEPTION_REPORTER = "kalliola.errors.ValueFreeExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "kalliola.errors.ValueFreeReporterFilter"
# Every mail is queued in the database with the change it is about (kalliola/mail.py).
# "request": sent right after the commit, in the request; failures are retried by the cron
# `send_queued_mail`. "worker": the request only queues and `send_queued_mail --loop`, run as a
# service, sends within seconds (faster requests; a slow provider cannot hold up the site).
EMAIL_DELIVERY = envstr("EMAIL_DELIVERY", "request")
if EMAIL_DELIVERY not in ("request", "worker"):
    raise ValueError(f"EMAIL_DELIVERY must be request or worker, got {EMAIL_DELIVERY!r}")
# Sent, dropped and given-up mails are deleted from the outbox this many days after queueing.
EMAIL_OUTBOX_DAYS = envint("EMAIL_OUTBOX_DAYS", 30)

# Production hardening: on whenever DEBUG is off, each switchable by the environment.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp), enforced in every mode (django-csp leaves Django's own
# debug error pages alone). No inline scripts or styles anywhere: templates keep JS and CSS in
# static files. img-src allows data: because Bootstrap's CSS draws its small icons (menu button,
# select arrow, check marks) as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# X-Forwarded-For is believed only from these addresses or networks (the proxy in front); from
# anyone else it is the client's own word and ignored (kalliola.security.client_ip).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", ["127.0.0.0/8", "::1"])

# Logs carry no personal data: request paths never contain it (ids only), and nothing logs
# form contents. Tracebacks are logged without the exception's message (kalliola/errors.py);
# secrets in addresses (calendar-feed tokens, cancel links) are redacted from every record
# (kalliola/logs.py; gunicorn's access log: gunicorn.conf.py). Under systemd the console is the
# journal, which rotates it (README, "Deploying").
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "kalliola.errors.ValueFreeFormatter",
            "format": "%(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {
        "redact_secrets": {"()": "kalliola.logs.RedactSecretsFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        },
        # Server errors to ADMINS, written by DEFAULT_EXCEPTION_REPORTER (no values sent).
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Django's request and runserver loggers write request lines; they go through the filter too.
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "WARNING",
            "propagate": False,
        },
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# How many minutes before a session the reminder mails go out, and similar programme rules,
# live with the apps; this is only the address for privacy questions shown on forms.
PRIVACY_CONTACT_EMAIL = envstr("PRIVACY_CONTACT_EMAIL", "tietosuoja@example.org")
# The support meetings' reply to a request comes from an address a person reads: a parent who
# answers it, or who is not called within the week, reaches the workers.
MEETINGS_FROM_EMAIL = envstr(
    "MEETINGS_FROM_EMAIL", "Kalliolan tukitapaamiset <tukitapaamiset@example.org>"
)

# A support worker records a check-in of each open relationship this often (weeks); a later one
# is overdue and shows on the dashboard (families.services.check_ins).
CHECK_IN_INTERVAL_WEEKS = envint("CHECK_IN_INTERVAL_WEEKS", 8)
if not 1 <= CHECK_IN_INTERVAL_WEEKS <= 52:
    raise ImproperlyConfigured(f"CHECK_IN_INTERVAL_WEEKS must be 1-52: {CHECK_IN_INTERVAL_WEEKS}")

# Retention (kalliola/retention.py, `manage.py apply_retention`): days after which personal data
# is anonymised. Relationships: 6 years after the relationship ended (the retention commonly
# used for child-welfare client records of open-care support measures); support cases: 2 years
# after closing; unused applications: 1 year after the household's last activity.
RETENTION_RELATIONSHIP_DAYS = envint("RETENTION_RELATIONSHIP_DAYS", 6 * 365)
RETENTION_CASE_DAYS = envint("RETENTION_CASE_DAYS", 2 * 365)
RETENTION_APPLICATION_DAYS = envint("RETENTION_APPLICATION_DAYS", 365)
# Accessibility feedback: a year after it was answered (long enough to see a complaint through
# the supervising authority).
RETENTION_FEEDBACK_DAYS = envint("RETENTION_FEEDBACK_DAYS", 365)
