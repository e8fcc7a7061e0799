"""The organiser back office: Django's admin, scoped to the conferences a user organises."""

from datetime import date

from django import forms
from django.contrib import admin, messages
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .errors import ProgrammeError
from .ids import parse_id
from .models import Conference, Room, Session, SiteProfile, Speaker, Track
from .selectors import conferences_for_user


class ScopedToConference:
    """Only rows of the conferences the user organises; foreign keys offered likewise."""

    conference_path = "conference"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.conference_path}__in": conferences_for_user(request.user)}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            allowed = conferences_for_user(request.user)
            if db_field.name == "conference":
                kwargs["queryset"] = allowed
            elif db_field.name in ("room", "track"):
                kwargs["queryset"] = db_field.related_model.objects.filter(conference__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Rooms, themes and speakers show in every export, so any change marks the programme changed.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.conference_touch(conference=obj.conference)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.conference_touch(conference=obj.conference)

    def delete_queryset(self, request, queryset):
        conferences = list(Conference.objects.filter(pk__in=queryset.values("conference")))
        super().delete_queryset(request, queryset)
        for conference in conferences:
            services.conference_touch(conference=conference)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers" and not request.user.is_superuser:
            kwargs["queryset"] = Speaker.objects.filter(
                conference__in=conferences_for_user(request.user)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "name_en", "capacity", "notes", "step_free", "position"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    fields = ["name", "name_en", "colour"]


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "start", "city", "is_published", "timetable_link"]
    list_filter = ["is_published"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoomInline, TrackInline]
    fieldsets = [
        (None, {"fields": ["name", "name_en", "slug", "tagline", "tagline_en", "is_published"]}),
        (_("Description"), {"fields": ["description", "description_en"]}),
        (
            _("Time and place"),
            {"fields": ["start", "end", "time_zone", "venue_name", "venue_address", "city"]},
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "registration_opens",
                    "registration_closes",
                    "capacity",
                    "waitlist_mode",
                    "offer_hours",
                    "contact_email",
                ]
            },
        ),
        (_("Organisers"), {"fields": ["organisers"]}),
    ]
    filter_horizontal = ["organisers"]

    def get_queryset(self, request):
        return conferences_for_user(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [fs for fs in fieldsets if "organisers" not in fs[1]["fields"]]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.conference_touch(conference=obj)
        if not change and not request.user.is_superuser:
            obj.organisers.add(request.user)
        if change and "capacity" in form.changed_data:
            services.seats_changed_announce(conference=obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Room:
            for room_form in formset.forms:
                if room_form.instance.pk and "capacity" in room_form.changed_data:
                    services.room_seats_changed(room=room_form.instance)

    @admin.display(description=_("Organiser pages"))
    def timetable_link(self, obj):
        # The other apps' pages, named by URL so that this app imports neither of them.
        links = [
            ("conference:organiser-grid", _("Timetable")),
            ("organiser:registrations", _("Registrations")),
            ("organiser:checkin", _("Check-in")),
            ("organiser:badges", _("Badges")),
        ]
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            ((reverse(name, args=[obj.slug]), label) for name, label in links),
        )


class DayFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        days = (
            model_admin.get_queryset(request)
            .annotate(day=TruncDate("start", tzinfo=timezone.get_current_timezone()))
            .values_list("day", flat=True)
            .distinct()
            .order_by("day")
        )
        return [(day.isoformat(), day.strftime("%Y-%m-%d")) for day in days]

    def queryset(self, request, queryset):
        try:
            day = date.fromisoformat(self.value() or "")
        except ValueError:
            return queryset  # no day or not a date: the filter is off, not a query error
        return queryset.annotate(
            day=TruncDate("start", tzinfo=timezone.get_current_timezone())
        ).filter(day=day)


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "conference",
            "title",
            "title_en",
            "kind",
            "language",
            "status",
            "start",
            "end",
            "room",
            "track",
            "requires_signup",
            "capacity",
            "abstract",
            "abstract_en",
            "description",
            "description_en",
            "speakers",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = self.instance
        for field in ("conference", "room", "track", "start", "end", "status"):
            if field in cleaned:
                setattr(candidate, field, cleaned[field])
        try:
            services.session_check_rules(
                session=candidate, speakers=list(cleaned.get("speakers") or [])
            )
        except ProgrammeError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return cleaned


@admin.register(Session)
class SessionAdmin(ScopedToConference, admin.ModelAdmin):
    form = SessionForm
    list_display = ["title", "kind", "local_start", "local_end", "room", "track", "status"]
    list_filter = [
        ("conference", admin.RelatedOnlyFieldListFilter),
        DayFilter,
        "kind",
        ("room", admin.RelatedOnlyFieldListFilter),
        ("track", admin.RelatedOnlyFieldListFilter),
        "status",
        "requires_signup",
    ]
    list_select_related = ["room", "track"]
    search_fields = ["title", "title_en", "speakers__name"]
    ordering = ["start", "room__position"]
    filter_horizontal = ["speakers"]
    actions = ["duplicate_sessions", "cancel_sessions"]
    readonly_fields = ["code", "sequence"]
    fieldsets = [
        (None, {"fields": ["conference", "title", "title_en", "kind", "language", "status"]}),
        (_("When and where"), {"fields": ["start", "end", "room", "track"]}),
        (_("Sign-up"), {"fields": ["requires_signup", "capacity"]}),
        (_("Texts"), {"fields": ["abstract", "abstract_en", "description", "description_en"]}),
        (_("Speakers"), {"fields": ["speakers"]}),
        (_("Identifiers"), {"fields": ["code", "sequence"]}),
    ]

    @admin.display(description=_("starts"), ordering="start")
    def local_start(self, obj):
        return timezone.localtime(obj.start).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("ends"), ordering="end")
    def local_end(self, obj):
        return timezone.localtime(obj.end).strftime("%H:%M")

    def save_model(self, request, obj, form, change):
        services.session_save(session=obj, speakers=list(form.cleaned_data.get("speakers") or []))

    def save_related(self, request, form, formsets, change):
        # session_save already set the speakers; only other relations are left.
        form.cleaned_data.pop("speakers", None)
        super().save_related(request, form, formsets, change)

    def delete_model(self, request, obj):
        services.session_delete(session=obj)

    def changelist_view(self, request, extra_context=None):
        # Raw input: the list filter itself answers a bad value ("?e=1"), a query must not see it.
        conference_id = parse_id(request.GET.get("conference__id__exact"))
        if conference_id is not None and request.method == "GET":
            conference = conferences_for_user(request.user).filter(pk=conference_id).first()
            if conference is not None:
                for warning in services.conference_clashes(conference=conference):
                    messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Duplicate the selected sessions (without room)"))
    def duplicate_sessions(self, request, queryset):
        for session in queryset:
            services.session_duplicate(session=session)
        self.message_user(
            request,
            ngettext("%(count)d session copied.", "%(count)d sessions copied.", len(queryset))
            % {"count": len(queryset)},
        )

    @admin.action(description=_("Cancel the selected sessions"))
    def cancel_sessions(self, request, queryset):
        for session in queryset:
            services.session_cancel(session=session)
        self.message_user(request, _("Sessions cancelled."))


@admin.register(Speaker)
class SpeakerAdmin(ScopedToConference, admin.ModelAdmin):
    list_display = ["name", "organisation", "title", "conference"]
    list_filter = [("conference", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "organisation"]


@admin.register(Room)
class RoomAdmin(ScopedToConference, admin.ModelAdmin):
    list_display = ["name", "conference", "capacity", "step_free"]
    list_filter = [("conference", admin.RelatedOnlyFieldListFilter)]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            services.room_seats_changed(room=obj)


@admin.register(Track)
class TrackAdmin(ScopedToConference, admin.ModelAdmin):
    list_display = ["name", "conference", "colour"]
    list_filter = [("conference", admin.RelatedOnlyFieldListFilter)]


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    """Who runs this Samla: site operators only (superusers), one row."""

    readonly_fields = ["privacy_version", "privacy_changed_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser and not SiteProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.site_profile_save(profile=obj)
