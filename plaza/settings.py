"""The one settings module. Everything comes from the environment, with working defaults.

Nothing set gives the embedded profile: a SQLite file in the data directory, an in-memory
channel layer, tasks run in-process and email printed to the console. ``DATABASE_URL``,
``REDIS_URL`` and ``EMAIL_URL`` switch to real services (the production profile).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent

env = environ.Env()

DEBUG: bool = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("PLAZA_DATA_DIR", default=str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Use SECRET_KEY, else a key generated once and kept in the data directory."""
    if env.str("SECRET_KEY", default=""):
        return env.str("SECRET_KEY")
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Serving over HTTPS (behind a proxy that terminates TLS) turns on secure cookies, HSTS and
# the redirect to https. The embedded profile serves plain http on 127.0.0.1.
HTTPS: bool = env.bool("PLAZA_HTTPS", default=False)
SIGNUP: str = env.str("PLAZA_SIGNUP", default="open")
if SIGNUP not in {"open", "invite", "closed"}:
    raise ValueError("PLAZA_SIGNUP must be one of open, invite, closed")
RATE_LIMITS: bool = env.str("PLAZA_RATE_LIMITS", default="on") != "off"
REDIS_URL: str = env.str("REDIS_URL", default="")
# Rate-limit counts: in this process when embedded, in Redis when there is one.
PLAZA_RATE_LIMIT_STORAGE: str = env.str("PLAZA_RATE_LIMIT_STORAGE", default=REDIS_URL or "memory://")
# Reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed: the client address is the
# rightmost hop none of them is. Empty: REMOTE_ADDR is the client (no proxy in front).
PLAZA_TRUSTED_PROXIES: list[str] = env.list("PLAZA_TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "heroicons",
    "channels",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "plaza.core",
    "plaza.accounts",
    "plaza.spaces",
    "plaza.notifications",
    "plaza.uploads",
    "plaza.feed",
    "plaza.cases",
    "plaza.polls",
    "plaza.showcase",
    "plaza.chat",
    "plaza.mail",
    "plaza.calls",
    "plaza.events",
    "plaza.calendars",
    "plaza.blogs",
    "plaza.announcements",
    "plaza.search",
    "plaza.webhooks",
    "plaza.moderation",
    "plaza.exports",
    "plaza.home",
]

MIDDLEWARE = [
    "plaza.core.metrics.MetricsMiddleware",  # first: it times the whole answer
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "plaza.core.middleware.ApiErrorMiddleware",
    "plaza.core.middleware.ClientAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "plaza.spaces.middleware.SpaceAppMiddleware",
    "plaza.accounts.middleware.UserLanguageMiddleware",
    "plaza.core.middleware.TimezoneMiddleware",
    "plaza.core.guard.InputGuardMiddleware",
    "plaza.core.middleware.IdempotencyMiddleware",
    "plaza.core.middleware.FormTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "plaza.urls"
WSGI_APPLICATION = "plaza.wsgi.application"
ASGI_APPLICATION = "plaza.asgi.application"

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
                "django.template.context_processors.i18n",
                "plaza.spaces.context_processors.my_spaces",
            ],
        },
    }
]

# Databases: SQLite in the data directory unless DATABASE_URL says otherwise.
if env.str("DATABASE_URL", default=""):
    _db = env.db("DATABASE_URL")
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # Django's pool, not CONN_MAX_AGE, which leaked a connection per thread under ASGI.
        _db["CONN_MAX_AGE"] = 0
        _db.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": 20, "timeout": 10}
        # With a pool, health checks make Django pass ``check=ConnectionPool.check_connection``:
        # each connection is tested (a trivial round trip) as it leaves the pool, so those that
        # died in a PostgreSQL restart or pg_terminate_backend are replaced instead of failing
        # one request each.
        _db["CONN_HEALTH_CHECKS"] = True
        # Server-side binding lets psycopg prepare a statement run five times on a connection
        # (the pool keeps them), so PostgreSQL stops planning the hot queries on every request.
        # Measured with plaza bench (docs/benchmarks.md, issue 17): off unless it is turned on.
        if env.bool("PLAZA_DB_SERVER_SIDE_BINDING", default=False):
            _db["OPTIONS"]["server_side_binding"] = True
        _db["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    DATABASES = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "plaza.sqlite3",
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    # While Redis is down the cache misses instead of failing requests (plaza.core.cache).
    CACHES = {
        "default": {
            "BACKEND": "plaza.core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # Redis Pub/Sub: a group message is one PUBLISH, and each server process relays it
            # to its own subscribed sockets. The list-based RedisChannelLayer copies it into
            # one inbox per process capped at 100 messages, which lost part of a burst to a
            # space of 1,000 people (docs/benchmarks.md).
            "BACKEND": "plaza.core.layers.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py 8 drops idle sockets after 5 s unless the timeout is lifted.
                # A Redis that does not answer fails a publish within 2 s instead of hanging it.
                "hosts": [{
                    "address": REDIS_URL, "socket_timeout": None, "socket_connect_timeout": 2, "max_connections": 1000,
                }],
                # Pub/Sub channels ignore Redis' database number: the prefix carries it, so
                # installations (or test runs) on different databases never hear each other.
                "prefix": f"plaza:{urlsplit(REDIS_URL).path.strip('/') or '0'}:",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Channels' in-memory layer with a cheaper expiry sweep (plaza.core.layers).
    CHANNEL_LAYERS = {"default": {"BACKEND": "plaza.core.layers.InMemoryChannelLayer"}}

# Background tasks live in the database: queued in the same transaction as the action that
# causes them, run by `plaza worker` (and by a worker thread inside `plaza serve` when
# PLAZA_EMBEDDED_WORKER is on, the default without DATABASE_URL).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Live events for this many people or more go out as one message to a space's or discussion
# group's channel-layer group instead of one per person (plaza.core.realtime).
PLAZA_FANOUT_GROUP_MIN: int = env.int("PLAZA_FANOUT_GROUP_MIN", default=50)
# A worker beats every quarter of this many seconds; a task whose worker stopped beating for
# this long is queued again (its worker died). Emails claimed by it are sent again then.
PLAZA_TASK_LEASE: int = env.int("PLAZA_TASK_LEASE", default=60)
EMBEDDED_WORKER: bool = env.bool("PLAZA_EMBEDDED_WORKER", default=not env.str("DATABASE_URL", default=""))

# Webhooks (plaza.webhooks, docs/webhooks.md): private and loopback targets are refused unless
# this is on (on-premises receivers); metadata, link-local and multicast addresses always are.
WEBHOOKS_ALLOW_PRIVATE: bool = env.str("PLAZA_WEBHOOKS_ALLOW_PRIVATE", default="off") == "on"
# Seconds to wait before each attempt of one event: 8 attempts over about 27.6 hours.
WEBHOOK_RETRY_DELAYS: list[int] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]

# Prometheus metrics at /metrics (docs/operations.md): served only to a request bearing this
# token or coming from one of these addresses or networks; 404 to everyone else.
METRICS_TOKEN: str = env.str("PLAZA_METRICS_TOKEN", default="")
METRICS_ALLOW: list[str] = env.list("PLAZA_METRICS_ALLOW", default=[])

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: sign in by email, a handle and a name asked at sign-up.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("PLAZA_EMAIL_VERIFICATION", default="optional")
ACCOUNT_SIGNUP_FORM_CLASS = "plaza.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "plaza.accounts.adapter.AccountAdapter"
# Password forms with a "keep my API tokens" box: a change or reset revokes tokens by default.
ACCOUNT_FORMS = {
    "change_password": "plaza.accounts.password_forms.PasswordChangeForm",
    "set_password": "plaza.accounts.password_forms.PasswordSetForm",
    "reset_password_from_key": "plaza.accounts.password_forms.PasswordResetKeyForm",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = (
    {"login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip", "reset_password": "20/m/ip,5/m/key"}
    if RATE_LIMITS
    else False
)
ACCOUNT_FORMS |= {"login": "plaza.accounts.auth_forms.LoginForm", "reset_password": "plaza.accounts.auth_forms.ResetPasswordForm"}

# Single sign-on: OpenID Connect providers (a company's Keycloak, Azure AD, Authing...) from
# PLAZA_OIDC_PROVIDERS, a JSON list of {id, name, server_url, client_id, secret}. A person
# signing in through one is linked to the account with the same email address when the
# provider says that address is verified; otherwise a new account is made (if sign-up
# allows). PLAZA_SSO_REQUIRED=on turns password sign-in, sign-up and reset off for everyone
# (pages and the API token endpoint): people sign in through a provider only.
OIDC_PROVIDERS: list[dict[str, str]] = env.json("PLAZA_OIDC_PROVIDERS", default=[])
SSO_REQUIRED: bool = env.bool("PLAZA_SSO_REQUIRED", default=False)
if SSO_REQUIRED and not OIDC_PROVIDERS:
    raise ValueError("PLAZA_SSO_REQUIRED=on needs at least one provider in PLAZA_OIDC_PROVIDERS")


def oidc_apps(providers: list[dict[str, str]]) -> dict[str, object]:
    """``SOCIALACCOUNT_PROVIDERS`` for a list of {id, name, server_url, client_id, secret}."""
    for p in providers:
        missing = {"id", "name", "server_url", "client_id"} - set(p)
        if missing:
            raise ValueError(f"PLAZA_OIDC_PROVIDERS: a provider lacks {', '.join(sorted(missing))}")
    apps = [
        {
            "provider_id": p["id"],
            "name": p["name"],
            "client_id": p["client_id"],
            "secret": p.get("secret", ""),
            "settings": {"server_url": p["server_url"], "email_authentication": True},
        }
        for p in providers
    ]
    return {"openid_connect": {"APPS": apps, "OAUTH_PKCE_ENABLED": True}}


SOCIALACCOUNT_PROVIDERS = oidc_apps(OIDC_PROVIDERS)
SOCIALACCOUNT_ADAPTER = "plaza.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # only for addresses the provider says are verified
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_QUERY_EMAIL = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Plaza"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# The zone pages use for visitors whose browser did not say theirs (and people without one).
PLAZA_TIME_ZONE: str = env.str("PLAZA_TIME_ZONE", default="UTC")
# Dates in each language's own format (plaza/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["plaza.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Static files are served from the app directories directly: no collectstatic step at run time.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
globals().update(environ.Env.email_url_config(EMAIL_URL))
if EMAIL_URL.startswith("filemail:"):
    # django-environ drops the leading slash of filemail:///abs/path; keep the path as written.
    from urllib.parse import urlsplit

    EMAIL_FILE_PATH = urlsplit(EMAIL_URL).path or str(DATA_DIR / "mail")
# Emails go through a wrapper that counts them for /metrics, then through the backend above.
PLAZA_INNER_EMAIL_BACKEND = EMAIL_BACKEND  # type: ignore[used-before-def]  # noqa: F821 (set by email_url_config)
EMAIL_BACKEND = "plaza.core.metrics.CountingEmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Plaza <plaza@localhost>")

# Cookies and headers. Secure cookies, HSTS and the https redirect when served over HTTPS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = [] if HTTPS else ["security.W004", "security.W008", "security.W012", "security.W016"]

# Content-Security-Policy: no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],  # blob: for previews of images picked for upload
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

NINJA_PAGINATION_MAX_LIMIT = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Uploads (avatars, logos): sizes in bytes.
PLAZA_MAX_IMAGE_BYTES: int = env.int("PLAZA_MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
PLAZA_MAX_FILE_BYTES: int = env.int("PLAZA_MAX_FILE_BYTES", default=25 * 1024 * 1024)

# The address people reach Plaza at, for links in emails.
PLAZA_BASE_URL: str = env.str("PLAZA_BASE_URL", default="http://127.0.0.1:8000")

# Dudu calls: the STUN/TURN servers browsers use (a JSON list of RTCIceServer objects), and
# the dotted path of a telephone (PSTN) provider class, none by default (docs/calls.md).
PLAZA_ICE_SERVERS: list[dict[str, object]] = env.json(
    "PLAZA_ICE_SERVERS", default=[{"urls": "stun:stun.l.google.com:19302"}]
)
PLAZA_PSTN_PROVIDER: str = env.str("PLAZA_PSTN_PROVIDER", default="")
