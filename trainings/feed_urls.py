"""Calendar feeds, outside the language prefix so their addresses never change."""

urlpatterns = []
