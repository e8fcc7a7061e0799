from celery import shared_task


@shared_task
def render_badge_job(job_id: int) -> None:
    from .services import badge_job_run

    badge_job_run(job_id=job_id)
