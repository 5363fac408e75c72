from django.urls import path

from helpcenter import views

urlpatterns = [
    path("help/", views.help_root, name="help-root"),
    path("help/<str:language>/", views.help_home, name="help-home"),
    path("help/<str:language>/search", views.help_search, name="help-search"),
    path("help/<str:language>/<slug:slug>/", views.help_article_page, name="help-article"),
    path("help/<str:language>/<slug:slug>/vote", views.help_vote, name="help-vote"),
    path("help/<str:language>/<slug:slug>/read", views.help_read, name="help-read"),
]
