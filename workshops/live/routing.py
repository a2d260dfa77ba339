from django.urls import path

from .consumers import LiveSectionConsumer

websocket_urlpatterns = [
    path(
        "ws/live/sessions/<int:session_id>/sections/<int:section_id>",
        LiveSectionConsumer.as_asgi(),
    ),
]
