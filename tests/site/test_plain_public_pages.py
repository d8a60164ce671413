"""Public pages and mails in plain words (issue 25): no form again after a sign-up, "Lisää
kalenteriin" instead of file-format names, one order of the steps everywhere, the support child's
age asked as such, the application form speaks to one reader."""

import re
from html import unescape

import pytest
from django.core import mail

from families.models import SupportFamily
from families.services import submit_application
from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from tests.families.test_application import valid_data
from tests.trainings.test_public_pages import form_data

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def steps(html: str) -> list[str]:
    """The texts of the support-family steps, in their order."""
    found = re.search(r'<ol class="support-family-steps".*?</ol>', html, re.S)
    assert found is not None
    return [
        " ".join(visible_text(li).split()) for li in re.findall(r"<li>(.*?)</li>", found[0], re.S)
    ]


@pytest.mark.parametrize("kind", ["info_session", "group"])
def test_after_a_sign_up_the_page_says_what_next_and_shows_no_form(client, kind):
    item = InfoSessionFactory() if kind == "info_session" else TrainingGroupFactory()
    path = f"/{'infotilaisuudet' if kind == 'info_session' else 'valmennus'}/{item.pk}/"
    response = client.post(path, form_data(), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{path}kiitos/"
    assert "Mitä tapahtuu seuraavaksi?" in html
    assert "signup-form" not in html and 'name="email"' not in html
    assert '<meta name="robots" content="noindex">' in html
    # Someone else of the household signs up from the same page.
    assert f'href="{path}"' in html
    assert 'name="email"' in client.get(path).content.decode()


def test_info_session_consent_speaks_of_the_info_session_not_the_training(client):
    session = InfoSessionFactory()
    html = client.get(f"/infotilaisuudet/{session.pk}/").content.decode()
    assert "tallentaa tietoni infotilaisuutta varten" in html
    assert "valmennus" not in html.split('name="consent"')[1].split("</label>")[0]
    group = TrainingGroupFactory()
    assert "ennakkovalmennusta varten" in client.get(f"/valmennus/{group.pk}/").content.decode()


def test_calendar_links_say_add_to_calendar_not_a_file_format(client):
    session, group = InfoSessionFactory(), TrainingGroupFactory()
    for path in (
        f"/infotilaisuudet/{session.pk}/",
        f"/valmennus/{group.pk}/",
        "/infotilaisuudet/",
        "/valmennus/",
        "/saavutettavuus/",
    ):
        text = visible_text(client.get(path).content.decode())
        assert ".ics" not in text and "iCalendar" not in text, path
    assert "Lisää kalenteriin" in visible_text(
        client.get(f"/infotilaisuudet/{session.pk}/").content.decode()
    )


def test_the_steps_are_in_one_order_on_every_page_and_in_the_mail(
    client, django_capture_on_commit_callbacks
):
    home = steps(client.get("/").content.decode())
    apply = steps(client.get("/tukiperheeksi/").content.decode())
    thanks = steps(client.get("/tukiperheeksi/kiitos/").content.decode())
    assert home == apply
    assert home[0] == "Lähetä hakemus."
    assert [s.split(".")[0] for s in home[1:]] == [s.split(".")[0] for s in thanks[1:]]
    assert thanks[0] == "Lähetit hakemuksen. Tämä vaihe on tehty."
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(email="uusi@example.org", data=_application(contact_language="fi"))
    [message] = mail.outbox
    html_mail = message.alternatives[0][0]
    assert steps(html_mail) == home[1:]
    text_steps = re.findall(r"^\d\. (.+)$", message.body, re.M)
    assert text_steps == home[1:]


def _application(**overrides) -> dict:
    data = dict(valid_data(**overrides))
    for name in ("email", "commitment", "consent", "website"):
        data.pop(name)
    data["has_pets"] = True
    data["child_age_min"], data["child_age_max"], data["max_children"] = 4, 10, 1
    return data


def test_support_child_age_is_asked_as_such_with_nothing_chosen_beforehand(client):
    html = client.get("/tukiperheeksi/").content.decode()
    assert "Tukilapsi on vähintään (vuotta)" in html
    assert "Nuorimman lapsen ikä" not in html and "Vanhimman lapsen ikä" not in html
    assert "emme omien lastesi ikää" in html
    for name in ("child_age_min", "child_age_max"):
        select = re.search(rf'<select name="{name}".*?</select>', html, re.S)[0]
        assert re.findall(r"<option[^>]*selected[^>]*>([^<]*)<", select) == ["En tiedä vielä"]


def test_ages_left_open_mean_any_age(client):
    response = client.post("/en/tukiperheeksi/", valid_data(child_age_min="", child_age_max=""))
    assert response.status_code == 302
    family = SupportFamily.objects.get()
    assert (family.child_age_min, family.child_age_max) == (0, 17)
    client.post(
        "/en/tukiperheeksi/",
        valid_data(email="toinen@example.org", child_age_min="6", child_age_max=""),
    )
    assert SupportFamily.objects.get(email="toinen@example.org").child_age_max == 17


def test_application_speaks_to_one_reader_in_finnish(client):
    text = visible_text(client.get("/tukiperheeksi/").content.decode())
    assert "Nimesi" in text
    for plural in ("Teidän", "perheenne", "voitte", "toiveenne", "luonanne", "Meillä on"):
        assert plural not in text, plural
    assert "1. Sinä ja kotisi" in text
