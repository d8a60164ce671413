"""This app's pages in the support workers' portal (/tyo/)."""

urlpatterns = []
