"""The public REST API, version 1 (django-ninja): the clients' read endpoints, their OpenAPI
document and its reference page. The first endpoints (messages, a conversation, its
attachments) stay in ``conversations.api``."""
