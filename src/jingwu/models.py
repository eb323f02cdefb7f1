"""Import every domain's models so the metadata is complete (Alembic, tests)."""

from __future__ import annotations

from jingwu.accounts import models as accounts_models
from jingwu.audit import models as audit_models
from jingwu.blobs import models as blobs_models
from jingwu.db import Base
from jingwu.org import models as org_models
from jingwu.reference import models as reference_models
from jingwu.security import models as security_models
from jingwu.worker import models as worker_models

__all__ = [
    "Base",
    "accounts_models",
    "audit_models",
    "blobs_models",
    "org_models",
    "reference_models",
    "security_models",
    "worker_models",
]
