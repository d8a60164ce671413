import pytest
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache

from kalliola import otp
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


def _signed_in_with_second_factor(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[otp.VERIFIED_KEY] = user.pk
        device = otp.confirmed_device(user)
        request.session[otp.VERIFIED_DEVICE_KEY] = device.pk if device else None


@pytest.fixture(autouse=True)
def _sign_in_counts_as_two_factor(request):
    """Every sign-in in tests counts as one that gave its second factor.

    `client.force_login(user)` (and pytest-django's `admin_client`) and the browser tests' sign-in
    through the login form all send `user_logged_in`; the session is then marked verified as if
    the person had typed a code, so the many tests about other things need no authenticator.
    Tests of two-factor sign-in itself opt out with `@pytest.mark.real_two_factor`.
    """
    if request.node.get_closest_marker("real_two_factor"):
        yield
        return
    user_logged_in.connect(_signed_in_with_second_factor, dispatch_uid="tests.second_factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests.second_factor")


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def support_worker(db):
    return SupportWorkerFactory()


@pytest.fixture
def other_support_worker(db):
    return SupportWorkerFactory()
