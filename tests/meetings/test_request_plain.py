"""The support-meetings request for a parent who needs support in learning and understanding
(issue 25): only the questions that person must answer, rules said before sending, who runs the
meetings and for whom, what stays private, a person to call, and a reply that can be answered."""

import re

import pytest
from django.core import mail

from kalliola.models import SiteContent
from meetings.models import MeetingRequest
from meetings.services import open_case_from_request
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory
from tests.meetings.test_request_form import valid

pytestmark = pytest.mark.django_db

URL = "/tukitapaamiset/"


def page(client, path=URL, **data) -> str:
    response = client.post(path, data) if data else client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_parent_may_leave_the_question_for_the_phone_call(
    client, django_capture_on_commit_callbacks
):
    html = page(client)
    assert "Voit kertoa myös puhelimessa." in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, valid(question=""))
    assert response.status_code == 302
    saved = MeetingRequest.objects.get()
    assert saved.question == ""
    # The case opens from it; the worker sees that the question is still to be asked.
    case = open_case_from_request(
        saved, by=CoordinatorFactory(), support_worker=SupportWorkerFactory()
    )
    assert case.question == ""


def test_i_do_not_know_yet_is_a_way_to_meet_saved_as_no_preference(client):
    assert "En tiedä vielä" in page(client)
    assert client.post(URL, valid(preferred_mode="not_known")).status_code == 302
    assert MeetingRequest.objects.get().preferred_mode == ""


def test_professional_fields_stand_under_their_own_heading_and_are_not_a_parents(client):
    html = page(client)
    group = re.search(
        r'<fieldset[^>]*data-shown-for="contact_role:professional".*?</fieldset>', html, re.S
    )
    assert group is not None
    assert "Vain ammattilaiselle" in group.group(0)  # the heading shown without scripts
    assert 'name="organisation"' in group.group(0)
    assert 'name="family_agreed"' in group.group(0)
    # What a parent's browser still sent from the hidden fields is not saved as theirs.
    client.post(URL, valid(organisation="Sosiaalitoimi", family_agreed="on"))
    saved = MeetingRequest.objects.get()
    assert (saved.organisation, saved.family_agreed) == ("", False)


def test_a_professional_still_answers_the_professional_fields(client):
    html = page(client, contact_role="professional", name="Testi Ammattilainen", website="")
    assert 'href="#id_family_agreed">Perhe tietää' in html
    assert "Kysy ensin perheeltä. Rastita sitten tämä kohta." in html
    response = client.post(
        URL, valid(contact_role="professional", organisation="Neuvola", family_agreed="on")
    )
    assert response.status_code == 302
    assert MeetingRequest.objects.get().organisation == "Neuvola"


def test_phone_or_e_mail_rule_is_said_beside_the_fields_before_sending(client):
    html = page(client)
    rule = "Anna puhelinnumero tai sähköposti. Yksi riittää."
    assert rule in html
    # Said inside the group of the contact fields, before the phone field, and tied to the group.
    group = re.search(r'<fieldset[^>]*aria-describedby="contact-rule".*?</fieldset>', html, re.S)
    assert group is not None
    assert group.group(0).index(rule) < group.group(0).index('name="phone"')


def test_the_star_is_explained_before_the_first_question(client):
    html = page(client)
    note = "Vastaa kysymyksiin, joissa on tähti *."
    assert note in html
    assert html.index(note) < html.index('class="asteriskField"')


def test_error_summary_links_each_choice_question_to_its_first_choice(client):
    html = page(client, website="")
    summary = re.search(r'<div class="alert alert-danger form-error-summary".*?</div>', html, re.S)
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert links == [
        "id_contact_role_0",
        "id_name",
        "id_phone",
        "id_contact_channel_0",
        "id_preferred_mode_0",
    ]
    for target in links:
        assert f'id="{target}"' in html
    assert 'href="#"' not in summary.group(0)


def test_page_says_for_whom_who_runs_what_stays_private_and_whom_to_call(client):
    html = page(client)
    assert "vanhempi tarvitsee tukea oppimisessa ja ymmärtämisessä" in html
    assert "kehitysvamma tai laaja-alaiset oppimisvaikeudet" in html
    assert "Tapaamiset pitää Kalliolan tukityöntekijä." in html
    assert "jää sinun ja työntekijän väliin" in html
    assert "Autamme, jos olet eri mieltä sosiaalitoimen kanssa." in html
    assert 'href="tel:+358400000000"' in html


def test_coordinators_edit_the_meetings_texts_per_language(client):
    content = SiteContent.objects.get(language="sv")  # seeded by a migration
    content.meetings_for_whom = "För föräldrar i Vanda."
    content.meetings_privacy = "Det du säger stannar hos oss."
    content.meetings_phone = "09 123 456"
    content.meetings_phone_hours = "tisdagar 10–12"
    content.save()
    swedish = page(client, "/sv/tukitapaamiset/")
    assert "För föräldrar i Vanda." in swedish
    assert "Det du säger stannar hos oss." in swedish
    assert 'href="tel:09123456"' in swedish and "tisdagar 10–12" in swedish
    # The texts left empty show the default; the Finnish page keeps its own.
    assert "Träffarna hålls av en stödarbetare från Kalliola." in swedish
    assert "För föräldrar i Vanda." not in page(client)


def test_reply_mail_comes_from_an_address_a_person_reads_and_says_whom_to_call(
    client, settings, django_capture_on_commit_callbacks
):
    settings.MEETINGS_FROM_EMAIL = "Tukitapaamiset <tukitapaamiset@kalliola.example>"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, valid())
    [message] = mail.outbox
    assert message.from_email == "Tukitapaamiset <tukitapaamiset@kalliola.example>"
    assert message.reply_to == ["Tukitapaamiset <tukitapaamiset@kalliola.example>"]
    assert "noreply" not in message.from_email
    assert "Eikö kukaan ole ottanut yhteyttä viikon kuluessa?" in message.body
    assert "Soita meille: +358 40 000 0000" in message.body
    assert "Tai vastaa tähän sähköpostiin." in message.body


def test_swedish_pages_say_a_staff_member_not_a_labourer(client):
    client.post("/sv/tukitapaamiset/", valid())
    thanks = page(client, "/sv/tukitapaamiset/kiitos/")
    assert "En medarbetare läser ditt meddelande." in thanks
    assert "arbetare läser" not in thanks.replace("medarbetare läser", "")
    assert "Har ingen kontaktat dig inom en vecka?" in thanks
