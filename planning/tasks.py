"""Celery tasks of the planning app: thin wrappers over the services."""

from __future__ import annotations

from celery import shared_task

from .models import ReplenishmentRun, RunState


@shared_task(name="planning.replenishment_nightly")
def replenishment_nightly() -> int:
    """Forecast, parameters and proposals for the whole network; a rerun replaces the open proposals."""
    from .services import replenishment_run

    return replenishment_run().pk


@shared_task(name="planning.replenishment_run")
def replenishment_run_task(run_id: int) -> int:
    """Run a queued on-demand run. Idempotent: a run that already started is left alone."""
    from .services import replenishment_run

    run = ReplenishmentRun.objects.filter(pk=run_id, state=RunState.QUEUED).first()
    if run is None:
        return run_id
    return replenishment_run(run=run).pk


@shared_task(name="planning.replenishment_pair")
def replenishment_pair_task(part_id: int, warehouse_id: int) -> list[int]:
    """Cover one part-warehouse a posting took below its reorder point. Idempotent: an open proposal
    for the pair means nothing more is proposed."""
    from .services import replenishment_pair_propose

    return replenishment_pair_propose(part_id=part_id, warehouse_id=warehouse_id)
