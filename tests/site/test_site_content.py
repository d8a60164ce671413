"""The support-family page and the coordinator's contact on every public page, edited per
language by coordinators, shown at once on the cached pages."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kalliola.models import FaqItem, SiteContent
from kalliola.site_content import DEFAULT_CONTACT, public_content
from tests.browser.pages import public_pages

pytestmark = pytest.mark.django_db

PREFIXES = {"fi": "", "sv": "/sv", "en": "/en"}


def _get(path: str, language: str = "fi"):
    return Client().get(PREFIXES[language] + path)


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_public_page_footer_names_the_coordinator_with_phone_and_email(language):
    SiteContent.objects.filter(language=language).update(
        coordinator_name="Kerttu Koordinaattori",
        coordinator_phone="+358 40 123 4567",
        coordinator_email="kerttu@example.org",
    )
    for name, path in public_pages().items():
        html = _text(_get(path, language))
        footer = html[html.index("<footer") :]
        assert "Kerttu Koordinaattori" in footer, name
        assert 'href="tel:+358401234567"' in footer, name
        assert 'href="mailto:kerttu@example.org"' in footer, name
        assert reverse("accessibility").lstrip("/") in footer, name


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", ["Vakaa elämäntilanne", "vähintään vuodeksi", "Vertaistapaaminen", "Kysy"]),
        ("sv", ["En stabil livssituation", "minst ett år", "kamratmöte", "Fråga"]),
        ("en", ["A stable life situation", "at least one year", "peer meeting", "Ask"]),
    ],
)
def test_the_support_family_page_says_who_the_children_are_what_is_expected_and_offered(
    language, expected
):
    html = _text(_get("/tukiperhetoiminta/", language))
    for text in expected:
        assert text in html
    main = html[html.index("<main") : html.index("</main>")]
    assert DEFAULT_CONTACT["coordinator_name"] in main  # the seeded, fictional contact
    assert main.count("<dt>") == 5  # the seeded questions and answers


def test_the_application_page_lists_the_expectations_and_the_contact():
    html = _text(_get("/tukiperheeksi/", "en"))
    main = html[html.index("<main") : html.index("</main>")]
    assert "What we expect of a support family" in main
    assert "A commitment of at least one year at a time." in main
    assert DEFAULT_CONTACT["coordinator_email"] in main


def test_a_language_without_its_row_shows_the_default_texts_and_contact():
    SiteContent.objects.all().delete()
    content = public_content("sv")
    assert content.coordinator_name == DEFAULT_CONTACT["coordinator_name"]
    assert content.expectations[0] == "En stabil livssituation."
    assert len(content.faq) == 5
    assert "En stabil livssituation." in _text(_get("/tukiperhetoiminta/", "sv"))


def test_an_empty_text_falls_back_to_the_default_and_the_lines_become_points():
    row = SiteContent.objects.get(language="en")
    row.expectations = "- Patience\n\n• A sense of humour\n"
    row.children = ""
    row.save()
    content = public_content("en")
    assert content.expectations == ["Patience", "A sense of humour"]
    assert content.children[0].startswith("The children need support")


def test_a_coordinators_edit_shows_at_once_on_every_cached_page(admin_client):
    pages = ("/", "/infotilaisuudet/", "/valmennus/", "/tukiperhetoiminta/")
    for path in pages:
        assert DEFAULT_CONTACT["coordinator_name"] in _text(_get(path))  # now cached
    row = SiteContent.objects.get(language="fi")
    url = reverse("admin:kalliola_sitecontent_change", args=[row.pk])
    form = {
        "language": "fi",
        "coordinator_name": "Uusi Koordinaattori",
        "coordinator_title": "",
        "coordinator_phone": "09 123 4567",
        "coordinator_email": "uusi@example.org",
        "children": row.children,
        "expectations": row.expectations,
        "offer": row.offer,
        "faq-TOTAL_FORMS": "0",
        "faq-INITIAL_FORMS": "0",
        "faq-MIN_NUM_FORMS": "0",
        "faq-MAX_NUM_FORMS": "1000",
    }
    assert admin_client.post(url, form).status_code == 302
    for path in pages:
        html = _text(_get(path))
        assert "Uusi Koordinaattori" in html, path
        assert DEFAULT_CONTACT["coordinator_name"] not in html, path
    # The other languages keep their own contact.
    assert DEFAULT_CONTACT["coordinator_name"] in _text(_get("/", "sv"))


def test_a_new_question_shows_on_the_cached_page_at_once():
    assert "Saako lapsi tuoda lemmikin?" not in _text(_get("/tukiperhetoiminta/"))
    FaqItem.objects.create(
        content=SiteContent.objects.get(language="fi"),
        question="Saako lapsi tuoda lemmikin?",
        answer="Sovitaan yhdessä.",
        position=9,
    )
    assert "Saako lapsi tuoda lemmikin?" in _text(_get("/tukiperhetoiminta/"))


def test_markup_in_a_coordinators_text_is_shown_as_text():
    row = SiteContent.objects.get(language="fi")
    row.coordinator_name = '<script>alert("x")</script>'
    row.offer = "<b>Palkkio</b>"
    row.save()
    html = _text(_get("/tukiperhetoiminta/"))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;Palkkio&lt;/b&gt;" in html


def test_the_support_family_page_is_served_from_the_cache(django_assert_num_queries):
    _get("/tukiperhetoiminta/")
    with django_assert_num_queries(0):
        response = _get("/tukiperhetoiminta/")
    assert response.status_code == 200


def test_the_footer_costs_no_query_once_the_content_is_cached(django_assert_max_num_queries):
    with translation.override("fi"):
        public_content()
    # The application page is never cached whole (its form): only its footer comes from cache.
    with django_assert_max_num_queries(0):
        response = _get("/tukiperheeksi/")
    assert DEFAULT_CONTACT["coordinator_phone"] in _text(response)


def test_the_admin_lists_one_row_per_language_and_refuses_a_second_one(admin_client):
    response = admin_client.get(reverse("admin:kalliola_sitecontent_changelist"))
    assert response.status_code == 200
    assert SiteContent.objects.count() == 3
    form = {
        "language": "fi",
        "coordinator_name": "Toinen",
        "coordinator_phone": "09 123 4567",
        "coordinator_email": "toinen@example.org",
        "faq-TOTAL_FORMS": "0",
        "faq-INITIAL_FORMS": "0",
        "faq-MIN_NUM_FORMS": "0",
        "faq-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(reverse("admin:kalliola_sitecontent_add"), form)
    assert response.status_code == 200  # the form again, with the error
    assert SiteContent.objects.count() == 3


def test_a_coordinator_may_edit_the_texts(client, coordinator):
    client.force_login(coordinator)
    row = SiteContent.objects.get(language="en")
    response = client.get(reverse("admin:kalliola_sitecontent_change", args=[row.pk]))
    assert response.status_code == 200
    assert "coordinator_phone" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_emptied_database_gets_the_default_rows_back_and_an_edited_row_is_kept():
    """`flush` (as test runs and a reset by hand do) sends post_migrate, which seeds again."""
    SiteContent.objects.filter(language="fi").update(coordinator_name="Kerttu Koordinaattori")
    SiteContent.objects.filter(language="sv").delete()
    call_command("migrate", verbosity=0)
    assert SiteContent.objects.get(language="fi").coordinator_name == "Kerttu Koordinaattori"
    assert (
        SiteContent.objects.get(language="sv").coordinator_name
        == DEFAULT_CONTACT["coordinator_name"]
    )
    call_command("flush", interactive=False, verbosity=0)
    assert sorted(SiteContent.objects.values_list("language", flat=True)) == ["en", "fi", "sv"]
    assert FaqItem.objects.filter(content__language="fi").exists()
