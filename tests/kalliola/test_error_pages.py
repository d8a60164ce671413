from django.test import RequestFactory

from kalliola import views


def test_403_page_is_in_the_site_look(db):
    response = views.error_403(RequestFactory().get("/"))
    assert response.status_code == 403
    assert b'href="#main"' in response.content


def test_500_page_renders_without_a_database_or_context(db):
    response = views.error_500(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"<h1>" in response.content


def test_collectstatic_builds_hashed_compressed_files(tmp_path, settings):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list((tmp_path / "vendor" / "bootstrap").glob("bootstrap.min.*.css.br"))
