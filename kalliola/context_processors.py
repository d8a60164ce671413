from django.conf import settings


def site(request):
    """What every page needs: the privacy contact and the language list."""
    return {
        "PRIVACY_CONTACT_EMAIL": settings.PRIVACY_CONTACT_EMAIL,
    }
