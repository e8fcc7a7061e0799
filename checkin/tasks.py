from celery import shared_task


@shared_task
def render_badge_job(job_id: int) -> None:
    from .services import badge_job_run

    badge_job_run(job_id=job_id)


@shared_task
def retention_sweep() -> dict:
    from .services.retention import retention_sweep as sweep

    return sweep()
