"""Signals the programme sends to apps that build on it (conference imports none of them).

`session_rescheduled` is sent after the transaction that moved, renamed or cancelled a session
commits (never inside it), with keyword arguments:

- `session`: the saved Session;
- `previous`: a dict of the fields before the change (start, end, room_id, status, title,
  title_en), so receivers can say what changed.

`seats_changed` is sent after the transaction that changed a cap commits: the conference's
capacity, or the seats of sessions (their own cap, their room, the room's cap, their status).
Keyword arguments: `conference` (the Conference) and `sessions` (the changed sessions, empty
when only the conference's capacity changed). Registration hands seats that became free to its
waiting lists.
"""

from django.dispatch import Signal

session_rescheduled = Signal()
seats_changed = Signal()
