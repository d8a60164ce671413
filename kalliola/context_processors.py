from django.conf import settings
from django.utils.functional import SimpleLazyObject

from kalliola.site_content import public_content


def site(request):
    """What every page needs: the privacy contact, and the coordinator's contact for the public
    pages' footer (read only when a page shows it: the admin and the portal never do)."""
    return {
        "PRIVACY_CONTACT_EMAIL": settings.PRIVACY_CONTACT_EMAIL,
        "SITE_URL": settings.SITE_URL,
        "site_content": SimpleLazyObject(public_content),
    }
