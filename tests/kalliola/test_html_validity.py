from tests.html_validity import validate

PUBLIC_PAGES = ["/", "/tietosuoja/", "/tyo/kirjaudu/"]
PREFIXES = ["", "/sv", "/en"]


def test_public_pages_are_valid_html(client, db):
    documents = {}
    for prefix in PREFIXES:
        for path in PUBLIC_PAGES:
            response = client.get(prefix + path)
            assert response.status_code == 200, prefix + path
            documents[prefix + path] = response.content.decode()
    documents["404"] = client.get("/ei-ole/").content.decode()
    assert validate(documents) == []
