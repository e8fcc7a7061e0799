"""A printable one-page sheet of one room's sessions on one day, for the door."""

from django.template.loader import render_to_string
from django.utils import timezone


class RoomTodaySheet:
    content_type = "text/html; charset=utf-8"

    def __init__(self, *, room, day):
        self.room = room
        self.day = day

    def filename(self, conference) -> str:
        return f"{conference.slug}-room-{self.room.pk}-{self.day.isoformat()}.html"

    def sessions(self, programme) -> list:
        return [
            s
            for s in programme.sessions
            if (s.room_id == self.room.pk or s.room_id is None)
            and timezone.localdate(s.start) == self.day
        ]

    def render(self, programme) -> bytes:
        return render_to_string(
            "conference/exports/room_today.html",
            {
                "conference": programme.conference,
                "room": self.room,
                "day": self.day,
                "sessions": self.sessions(programme),
                "rooms": programme.rooms,
            },
        ).encode()
