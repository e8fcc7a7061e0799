"""Forms of the programme editor, speakers and rooms. They parse and offer only this conference's
rooms, themes and speakers; the rules they show come from conference.services."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from conference.catalogue import speaker_parse
from conference.ids import parse_id
from conference.models import Room, Session, Speaker, Track
from conference.services import session_problems

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
# A problem's field in conference.services → the form field that shows it.
FIELD_OF_PROBLEM = {"end": "duration", "start": "start", "room": "room", "track": "track"}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


class _RowIds:
    """Refuse ids no row can have before they reach the database (conference.ids)."""

    def _check_ids(self, values):
        for value in values:
            if value not in self.empty_values and parse_id(value) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                )


class RowChoiceField(_RowIds, forms.ModelChoiceField):
    def to_python(self, value):
        self._check_ids([value])
        return super().to_python(value)


class RowMultipleChoiceField(_RowIds, forms.ModelMultipleChoiceField):
    def clean(self, value):
        if value and not isinstance(value, str):
            self._check_ids(value)
        elif value:
            self._check_ids([value])
        return super().clean(value)


class SessionForm(forms.ModelForm):
    """Add or edit a session. `duration` gives the end; `new_room_name` and `new_speakers`
    create a room and speakers together with the session (conference.catalogue)."""

    duration = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=24 * 60, initial=60
    )
    new_room_name = forms.CharField(
        label=_("Or a new room"),
        max_length=120,
        required=False,
        help_text=_("Creates the room with this name."),
    )
    new_speakers = forms.CharField(
        label=_("New speakers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, as “Name (Organisation)”."),
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "title_en",
            "kind",
            "language",
            "start",
            "room",
            "track",
            "speakers",
            "requires_signup",
            "capacity",
            "abstract",
            "abstract_en",
            "description",
            "description_en",
        ]
        widgets = {
            "start": LocalDateTimeInput(),
            "speakers": forms.CheckboxSelectMultiple,
            "abstract": forms.Textarea(attrs={"rows": 3}),
            "abstract_en": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {
            "room": RowChoiceField,
            "track": RowChoiceField,
            "speakers": RowMultipleChoiceField,
        }

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.instance.conference = conference
        self.fields["start"].input_formats = [LOCAL_INPUT, "%Y-%m-%d %H:%M"]
        self.fields["room"].queryset = Room.objects.filter(conference=conference)
        self.fields["track"].queryset = Track.objects.filter(conference=conference)
        self.fields["speakers"].queryset = Speaker.objects.filter(conference=conference)
        self.fields["speakers"].required = False
        if self.instance.pk and self.instance.start and self.instance.end:
            minutes = (self.instance.end - self.instance.start).total_seconds() // 60
            self.initial.setdefault("duration", int(minutes))
        self.new_room = None
        self.new_speaker_list = []

    def _post_clean(self):
        # The programme's rules are checked in clean() through conference.services; the model's
        # own validation would only repeat the end-after-start constraint with a vaguer message.
        try:
            self.instance = forms.models.construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as error:
            self._update_errors(error)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("room") and cleaned.get("new_room_name"):
            self.add_error("new_room_name", _("Choose a room or name a new one, not both."))
            return cleaned
        if cleaned.get("new_room_name"):
            self.new_room = Room(
                conference=self.conference,
                name=cleaned["new_room_name"].strip(),
                position=Room.objects.filter(conference=self.conference).count(),
            )
        self.new_speaker_list = [
            speaker_parse(line, conference=self.conference)
            for line in cleaned.get("new_speakers", "").splitlines()
            if line.strip()
        ]
        candidate = self.candidate()
        for problem in session_problems(
            session=candidate, speakers=list(cleaned.get("speakers") or [])
        ):
            field = FIELD_OF_PROBLEM.get(problem.field, problem.field)
            self.add_error(
                field if field in self.fields else None,
                ValidationError(problem.message, code=problem.code),
            )
        return cleaned

    def candidate(self) -> Session:
        """The session as it would be saved (not saved)."""
        session = self.instance
        for name in ("title", "title_en", "kind", "language", "start", "room", "track"):
            setattr(session, name, self.cleaned_data.get(name))
        for name in ("requires_signup", "capacity"):
            setattr(session, name, self.cleaned_data.get(name))
        session.end = session.start + timedelta(minutes=self.cleaned_data["duration"])
        return session


class MoveForm(forms.Form):
    """The single-pointer and keyboard alternative to dragging: a new start and room."""

    start = forms.DateTimeField(
        label=_("New start"), widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT]
    )
    room = RowChoiceField(
        label=_("Room"), queryset=Room.objects.none(), required=False, empty_label=_("No room")
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["room"].queryset = Room.objects.filter(conference_id=session.conference_id)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = self.candidate()
        speakers = list(self.session.speakers.all())
        for problem in session_problems(session=candidate, speakers=speakers):
            field = FIELD_OF_PROBLEM.get(problem.field, problem.field)
            self.add_error(
                field if field in ("start", "room") else None,
                ValidationError(problem.message, code=problem.code),
            )
        return cleaned

    def candidate(self) -> Session:
        session = self.session
        length = session.end - session.start
        session.start = self.cleaned_data["start"]
        session.end = session.start + length
        session.room = self.cleaned_data.get("room")
        return session


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "organisation", "title", "title_en", "bio", "bio_en", "photo"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "bio_en": forms.Textarea(attrs={"rows": 4}),
        }


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "name_en", "capacity", "position", "notes", "step_free"]


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = ["name", "name_en", "colour"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}


class ImportForm(forms.Form):
    # UploadedFile.size is known before the file is read, so a larger file is refused unread.
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a CSV or XLSX file."), code="import_unreadable")
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."), code="import_too_large")
        return upload
