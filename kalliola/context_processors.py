from django.conf import settings
from django.utils.functional import SimpleLazyObject

from kalliola.site_content import public_content

# The support workers' own pages (their URL namespaces end so): their footer needs no contact
# for prospective support families.
STAFF_NAMESPACE_ENDINGS = ("portal", "otp")


def _is_staff_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return (
        match is not None
        and match.namespace.endswith(STAFF_NAMESPACE_ENDINGS)
        and user is not None
        and user.is_authenticated
    )


def site(request):
    """What every page needs: the privacy contact, and the coordinator's contact for the public
    pages' footer (read only when a page shows it: the admin and the portal never do)."""
    return {
        "PRIVACY_CONTACT_EMAIL": settings.PRIVACY_CONTACT_EMAIL,
        "SITE_URL": settings.SITE_URL,
        "site_content": None if _is_staff_page(request) else SimpleLazyObject(public_content),
    }
