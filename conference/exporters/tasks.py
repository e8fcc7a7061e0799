"""Background work for exports. Imported by ConferenceConfig.ready(), so Celery workers know it."""

from celery import shared_task
from django.core.cache import cache


@shared_task
def booklet_render(conference_id, language, size, etag):
    from conference.models import Conference

    from .booklet import booklet_build, booklet_ready

    try:
        if not booklet_ready(etag):
            conference = Conference.objects.get(pk=conference_id)
            booklet_build(conference=conference, language=language, size=size, etag=etag)
    finally:
        cache.delete(f"booklet-pending:{etag}")


@shared_task
def booklets_refresh(conference_id, changed_at):
    """See booklet.booklets_refresh_later."""
    from conference.models import Conference

    from .booklet import booklets_refresh as refresh

    conference = Conference.objects.filter(pk=conference_id).first()
    return 0 if conference is None else refresh(conference, changed_at)
