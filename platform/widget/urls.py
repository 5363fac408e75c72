"""``/widget/v1/`` on a client's portal domain (config.urls_tenant): the widget's API."""

from django.urls import path

from widget import views

urlpatterns = [
    path("config", views.config, name="widget_config"),
    path("articles", views.articles, name="widget_articles"),
    path("articles/<int:article_id>/opened", views.article_opened, name="widget_article_opened"),
    path("order-status", views.order_status, name="widget_order_status"),
    path("chats", views.chats, name="widget_chats"),
    path("chats/<str:token>", views.chat, name="widget_chat"),
    path("chats/<str:token>/messages", views.chat_messages_create, name="widget_chat_messages"),
    path(
        "chats/<str:token>/attachments/<int:attachment_id>",
        views.chat_attachment,
        name="widget_chat_attachment",
    ),
    path("chats/<str:token>/typing", views.chat_typing_view, name="widget_chat_typing"),
    path("chats/<str:token>/rating", views.chat_rating, name="widget_chat_rating"),
    path("chats/<str:token>/transcript", views.chat_transcript, name="widget_chat_transcript"),
    path("chats/<str:token>/end", views.chat_end_view, name="widget_chat_end"),
]
