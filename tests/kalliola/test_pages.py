import pytest


@pytest.mark.parametrize(
    ("path", "lang", "expected"),
    [
        ("/", "fi", "Tukiperhe"),
        ("/sv/", "sv", "Stödfamilj"),
        ("/en/", "en", "Support famil"),
    ],
)
def test_home_page_in_three_languages(client, db, path, lang, expected):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert expected in html
    assert 'href="#main"' in html  # skip link


def test_unprefixed_pages_are_finnish_even_for_english_browsers(client, db):
    response = client.get("/", headers={"accept-language": "en"})
    assert '<html lang="fi">' in response.content.decode()


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/ei-ole-olemassa/")
    assert response.status_code == 404
    assert (
        "Sivua ei löytynyt" in response.content.decode() or "löytänyt" in response.content.decode()
    )


def test_home_page_query_count_is_small(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert client.get("/").status_code == 200


def test_portal_requires_login(client, db):
    response = client.get("/tyo/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tyo/kirjaudu/")
