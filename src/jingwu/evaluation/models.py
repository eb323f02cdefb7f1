"""The evaluation domain's tables: each sub-area's models, imported here so that Alembic's
metadata and the registry (``jingwu.<domain>.models``) see them all.
"""

from __future__ import annotations

from jingwu.evaluation.checks import models as _checks  # noqa: F401
from jingwu.evaluation.improvement import models as _improvement  # noqa: F401
from jingwu.evaluation.indices import models as _indices  # noqa: F401
