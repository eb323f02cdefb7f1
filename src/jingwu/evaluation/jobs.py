"""The evaluation domain's periodic jobs (each sub-area contributes its own)."""

from __future__ import annotations

from jingwu.evaluation.checks import jobs as checks_jobs
from jingwu.evaluation.improvement import jobs as improvement_jobs
from jingwu.evaluation.indices import jobs as indices_jobs
from jingwu.worker.runner import JobSpec

JOBS: list[JobSpec] = []
JOBS += checks_jobs.JOBS
JOBS += improvement_jobs.JOBS
JOBS += indices_jobs.JOBS
