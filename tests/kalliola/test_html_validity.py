"""Every public page, in each language, and each public form's error state is valid HTML
(the Nu HTML Checker, one JVM run for all documents)."""

from tests.browser.pages import (
    LANGUAGE_PREFIXES,
    NOT_FOUND_PATH,
    PUBLIC_FORMS,
    portal_pages,
    public_pages,
)
from tests.html_validity import validate

MEETINGS_REQUEST = {
    "contact_role": "parent",
    "name": "Testi Vanhempi",
    "phone": "040 111 2222",
    "contact_channel": "call",
    "question": "Tarvitsemme apua.",
    "preferred_mode": "phone",
}


def test_public_pages_and_form_errors_are_valid_html(client, db, settings):
    pages = public_pages()
    documents = {}
    for prefix in LANGUAGE_PREFIXES:
        for name, path in pages.items():
            response = client.get(prefix + path)
            assert response.status_code == 200, prefix + path
            documents[f"{prefix}{path} ({name})"] = response.content.decode()
        for name in PUBLIC_FORMS:
            response = client.post(prefix + pages[name], {"website": ""})
            assert response.status_code == 200, (name, response.status_code)
            assert b"invalid-feedback" in response.content, name
            documents[f"{prefix}{pages[name]} (errors)"] = response.content.decode()
        response = client.post(prefix + pages["meetings_request"], MEETINGS_REQUEST, follow=True)
        assert response.redirect_chain, "the request was not accepted"
        documents[f"{prefix} meetings request sent"] = response.content.decode()
        response = client.get(prefix + NOT_FOUND_PATH)
        assert response.status_code == 404
        documents[f"{prefix} 404"] = response.content.decode()
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 0
    response = client.post(pages["application"], {"website": ""})
    assert response.status_code == 429
    documents["429"] = response.content.decode()
    assert validate(documents) == []


def test_portal_start_page_and_lists_with_their_page_links_are_valid_html(client, support_worker):
    pages = portal_pages(support_worker)
    client.force_login(support_worker)
    documents = {}
    for prefix in LANGUAGE_PREFIXES:
        for name in ("portal_home", "relationships", "relationships_page_2", "cases"):
            response = client.get(prefix + pages[name])
            assert response.status_code == 200, prefix + pages[name]
            documents[f"{prefix}{pages[name]} ({name})"] = response.content.decode()
    assert 'aria-current="page"' in documents["/tyo/suhteet/?sivu=2 (relationships_page_2)"]
    assert validate(documents) == []
