"""Signals the programme sends to apps that build on it (conference imports none of them).

`session_rescheduled` is sent after the transaction that moved, renamed or cancelled a session
commits (never inside it), with keyword arguments:

- `session`: the saved Session;
- `previous`: a dict of the fields before the change (start, end, room_id, status, title,
  title_en), so receivers can say what changed.
"""

from django.dispatch import Signal

session_rescheduled = Signal()
