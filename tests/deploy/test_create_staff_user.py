"""The first coordinator and every support worker from the command line: password rules
applied, the right role, no two-factor device (the first sign-in sets one up)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalliola.roles import COORDINATORS, SUPPORT_WORKERS, is_coordinator, is_support_worker

pytestmark = pytest.mark.django_db
STRONG = "kahvi-pannu-lumi-7"


def _create(monkeypatch, username, role, password, **options):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    # Whatever language the caller has active, the command speaks the site's (Finnish).
    with translation.override("en"):
        call_command("create_staff_user", username, role=role, stdout=out, **options)
    return out.getvalue()


def test_creates_a_coordinator_who_enrols_two_factor_at_first_sign_in(monkeypatch):
    output = _create(monkeypatch, "aino", "coordinator", STRONG, email="aino@example.org")
    user = get_user_model().objects.get(username="aino")
    assert user.is_staff and not user.is_superuser
    assert user.check_password(STRONG)
    assert user.email == "aino@example.org"
    assert is_coordinator(user) and not is_support_worker(user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert "kaksivaiheinen" in output.lower() and STRONG not in output


def test_creates_a_support_worker_who_is_not_staff(monkeypatch):
    _create(monkeypatch, "ville", "support-worker", STRONG, first_name="Ville")
    user = get_user_model().objects.get(username="ville")
    assert not user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [SUPPORT_WORKERS]
    assert user.first_name == "Ville"


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("aino", "short", "at least 12 characters"),  # Django has no Finnish for it
        ("aino", "123456789012345", "kokonaan numeerinen"),
        ("aino", "password12345", "liian yleinen"),
        ("ainokoordinaattori", "ainokoordinaattori1", "liian lähellä"),
    ],
)
def test_a_password_against_the_rules_creates_nobody(monkeypatch, username, password, reason):
    # The command speaks the site's language (Finnish), as the admin does.
    with pytest.raises(CommandError, match=reason):
        _create(monkeypatch, username, "coordinator", password)
    assert not get_user_model().objects.filter(username=username).exists()


def test_a_taken_user_name_is_refused(monkeypatch):
    _create(monkeypatch, "aino", "coordinator", STRONG)
    with pytest.raises(CommandError, match="jo rekisteröity"):
        _create(monkeypatch, "aino", "support-worker", STRONG)
    assert get_user_model().objects.get(username="aino").groups.get().name == COORDINATORS


@pytest.mark.parametrize("username", ["aino\x00", "a" * 151, "aino koordinaattori"])
def test_a_user_name_django_would_not_accept_is_refused(monkeypatch, username):
    with pytest.raises(CommandError):
        _create(monkeypatch, username, "coordinator", STRONG)
    assert not get_user_model().objects.exists()


def test_an_invalid_email_is_refused(monkeypatch):
    with pytest.raises(CommandError):
        _create(monkeypatch, "aino", "coordinator", STRONG, email="not an address")


def test_an_unknown_role_is_refused(monkeypatch):
    with pytest.raises(CommandError):
        _create(monkeypatch, "aino", "superuser", STRONG)


@pytest.mark.parametrize(
    ("language", "coordinators", "support_workers"),
    [("fi", "Koordinaattorit", "Tukityöntekijät"), ("sv", "Koordinatorer", "Stödarbetare")],
)
def test_role_groups_are_shown_in_the_readers_language(language, coordinators, support_workers):
    with translation.override(language):
        assert str(Group.objects.get(name=COORDINATORS)) == coordinators
        assert str(Group.objects.get(name=SUPPORT_WORKERS)) == support_workers


def test_the_finnish_admin_shows_the_roles_in_finnish_on_a_users_page(client, admin_user):
    client.force_login(admin_user)
    response = client.get(f"/admin/auth/user/{admin_user.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Koordinaattorit" in html and "Tukityöntekijät" in html
    assert ">Coordinators<" not in html
    # Code still finds the groups by their stored names.
    assert set(Group.objects.values_list("name", flat=True)) >= {COORDINATORS, SUPPORT_WORKERS}
