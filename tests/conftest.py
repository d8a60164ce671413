import pytest
from django.core.cache import cache

from tests.factories.users import CoordinatorFactory, SupportWorkerFactory


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests only need passwords to match.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # Tests render templates without running collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters and cached pages must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def support_worker(db):
    return SupportWorkerFactory()


@pytest.fixture
def other_support_worker(db):
    return SupportWorkerFactory()
