"""Check-in in the back office: badge codes (revoke, reissue), scans with their duplicates,
checkpoints and door staff. Organisers see only their own conferences; superusers see all.

Rights follow the organiser role rather than per-model permissions: whoever organises a
conference runs its doors, and nobody else touches them."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from conference.models import Session
from conference.selectors import conferences_for_user
from registration.models import Registration

from . import services
from .errors import CheckinError
from .models import BadgeCode, Checkpoint, DoorAssignment, Scan


def _organises_any(user) -> bool:
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or conferences_for_user(user).exists()


class OrganiserScoped:
    """Rows of the conferences the user organises; foreign keys offered likewise."""

    conference_path = "conference"

    def _allowed(self, request):
        return conferences_for_user(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.conference_path}__in": self._allowed(request)})

    def _in_scope(self, request, obj):
        if obj is None or request.user.is_superuser:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return _organises_any(request.user)

    def has_view_permission(self, request, obj=None):
        return _organises_any(request.user) and self._in_scope(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            allowed = self._allowed(request)
            if db_field.name == "conference":
                kwargs["queryset"] = allowed
            elif db_field.name == "session":
                kwargs["queryset"] = Session.objects.filter(conference__in=allowed)
            elif db_field.name == "registration":
                kwargs["queryset"] = Registration.objects.filter(conference__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ActiveFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Active")), ("no", _("Revoked"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(BadgeCode)
class BadgeCodeAdmin(OrganiserScoped, admin.ModelAdmin):
    """Read-only rows; the actions revoke a lost badge's code or reissue a new one."""

    conference_path = "registration__conference"
    list_display = ["short_code", "registration", "conference", "issued_at", "revoked_at"]
    list_filter = [ActiveFilter, ("registration__conference", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["registration__conference"]
    search_fields = ["registration__name", "registration__organisation", "code"]
    actions = ["revoke_codes", "reissue_codes"]
    fields = ["short_code", "registration", "issued_at", "issued_by", "revoked_at", "revoked_by"]
    readonly_fields = fields

    @admin.display(description=_("code"))
    def short_code(self, obj):
        # The whole code would let anyone reading the screen print a working badge.
        return f"{obj.code[:4]}…"

    @admin.display(description=_("conference"))
    def conference(self, obj):
        return obj.registration.conference

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return _organises_any(request.user)

    def _registrations(self, queryset):
        ids = queryset.filter(revoked_at__isnull=True).values("registration_id")
        return Registration.objects.filter(pk__in=ids)

    @admin.action(description=_("Revoke the selected badge codes"), permissions=["revoke"])
    def revoke_codes(self, request, queryset):
        registrations = list(self._registrations(queryset))
        for registration in registrations:
            services.badge_code_revoke(registration=registration, actor=request.user)
        count = len(registrations)
        self.message_user(
            request,
            ngettext("%(count)d badge code revoked.", "%(count)d badge codes revoked.", count)
            % {"count": count},
        )

    @admin.action(
        description=_("Reissue: revoke the selected codes and issue new ones"),
        permissions=["revoke"],
    )
    def reissue_codes(self, request, queryset):
        # A revoked code's registration may be given a new one too (the lost badge was revoked
        # first, the new badge printed later).
        registrations = list(Registration.objects.filter(pk__in=queryset.values("registration_id")))
        done = 0
        for registration in registrations:
            try:
                services.badge_code_reissue(registration=registration, actor=request.user)
                done += 1
            except CheckinError as error:
                self.message_user(request, f"{registration}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d new badge code issued.", "%(count)d new badge codes issued.", done)
            % {"count": done},
        )


@admin.register(Scan)
class ScanAdmin(OrganiserScoped, admin.ModelAdmin):
    """The check-in audit trail, read-only. Filter on "duplicate" for badges scanned twice."""

    conference_path = "checkpoint__conference"
    list_display = [
        "scanned_at",
        "checkpoint",
        "registration",
        "verdict",
        "is_duplicate",
        "offline",
        "manual",
        "device_id",
    ]
    list_filter = [
        "is_duplicate",
        "verdict",
        "offline",
        "manual",
        ("checkpoint__conference", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["checkpoint__session", "registration"]
    search_fields = ["registration__name", "device_id"]
    date_hierarchy = "scanned_at"
    ordering = ["-scanned_at", "-id"]
    exclude = ["code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CheckpointForm(forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["conference", "kind", "day", "session"]

    def clean(self):
        cleaned = super().clean()
        kind, day, session = cleaned.get("kind"), cleaned.get("day"), cleaned.get("session")
        conference = cleaned.get("conference")
        if kind == Checkpoint.Kind.ENTRANCE and (day is None or session is not None):
            self.add_error("day", _("An entrance needs a day and no session."))
        if kind == Checkpoint.Kind.SESSION:
            if session is None:
                self.add_error("session", _("A session door needs a session."))
            elif conference is not None and session.conference_id != conference.pk:
                self.add_error("session", _("That session belongs to another conference."))
        return cleaned


@admin.register(Checkpoint)
class CheckpointAdmin(OrganiserScoped, admin.ModelAdmin):
    """Doors. Entrances per day and session doors follow the programme by themselves
    (checkin.services.checkpoints_ensure_current, run by whoever lists doors first: a door
    device's token, the door pages, the live page); here organisers add, check or remove them."""

    form = CheckpointForm
    list_display = ["__str__", "kind", "day", "conference"]
    list_filter = ["kind", ("conference", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["conference", "session"]
    actions = ["ensure_checkpoints"]

    def has_add_permission(self, request):
        return _organises_any(request.user)

    def has_change_permission(self, request, obj=None):
        return _organises_any(request.user) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        # A door that has scans keeps them: they are the check-in audit trail.
        if obj is not None and obj.scans.exists():
            return False
        return self.has_change_permission(request, obj)

    def delete_queryset(self, request, queryset):
        kept = queryset.filter(scans__isnull=False).distinct().count()
        queryset.filter(scans__isnull=True).delete()
        if kept:
            self.message_user(
                request,
                ngettext(
                    "%(count)d checkpoint with scans was kept.",
                    "%(count)d checkpoints with scans were kept.",
                    kept,
                )
                % {"count": kept},
                messages.WARNING,
            )

    @admin.action(description=_("Add the missing doors of these checkpoints' conferences"))
    def ensure_checkpoints(self, request, queryset):
        for conference in {checkpoint.conference for checkpoint in queryset}:
            services.checkpoints_ensure(conference=conference)
        self.message_user(request, _("Every day's entrance and every session door exist."))


class DoorAssignmentForm(forms.ModelForm):
    class Meta:
        model = DoorAssignment
        fields = ["conference", "user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin's read-only view (no change permission) builds this form without fields.
        if "user" in self.fields:
            self.fields["user"].queryset = self.fields["user"].queryset.filter(is_active=True)


@admin.register(DoorAssignment)
class DoorAssignmentAdmin(OrganiserScoped, admin.ModelAdmin):
    """Who may scan at a conference's doors. Adding joins the user to the door staff group."""

    form = DoorAssignmentForm
    list_display = ["user", "conference", "created_at"]
    list_filter = [("conference", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "conference"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def has_add_permission(self, request):
        return _organises_any(request.user)

    def has_change_permission(self, request, obj=None):
        # An assignment is a pair: remove it and add another rather than edit it.
        return False

    def has_delete_permission(self, request, obj=None):
        return _organises_any(request.user) and self._in_scope(request, obj)

    def save_model(self, request, obj, form, change):
        assignment = services.door_staff_assign(conference=obj.conference, user=obj.user)
        obj.pk = assignment.pk
        obj.created_at = assignment.created_at

    def delete_model(self, request, obj):
        services.door_staff_unassign(conference=obj.conference, user=obj.user)

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("conference", "user"):
            services.door_staff_unassign(conference=assignment.conference, user=assignment.user)
