def test_waiting_childs_admin_page_links_to_its_suggestions(client, coordinator):
    from django.urls import reverse

    from tests.factories.families import ChildFactory

    child = ChildFactory()
    client.force_login(coordinator)
    page = client.get(reverse("admin:families_child_change", args=[child.pk]))
    assert page.status_code == 200
    assert reverse("admin:families_child_suggestions", args=[child.pk]) in page.content.decode()
