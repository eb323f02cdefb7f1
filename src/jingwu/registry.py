"""Discovery of the domains' contributions: models, routes, API routers, CLI groups, jobs.

A domain package contributes by having a module of the conventional name: ``models``,
``routes`` (HTML, ``router``), ``api`` (JSON, ``router``), ``cli`` (``cli``, a click group),
``jobs`` (``JOBS``, a list of :class:`jingwu.worker.runner.JobSpec`). New domains need no
registration code, so domains can be added without editing shared files.

This is the one module that imports Jingwu modules by name (:func:`domain_modules`,
:func:`load`); everywhere else imports are plain ``import`` statements, so that the import
graph (``tests/unit/test_layers.py``) sees every dependency.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from functools import cache
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).parent
_NOT_DOMAINS = {"migrations", "web", "cli", "security"}


@cache
def domains() -> tuple[str, ...]:
    """Names of the domain packages, sorted."""
    return tuple(
        sorted(
            m.name
            for m in pkgutil.iter_modules([str(PACKAGE_DIR)])
            if m.ispkg and m.name not in _NOT_DOMAINS
        )
    )


def domain_modules(kind: str, *, include: tuple[str, ...] = ()) -> list[ModuleType]:
    """Import ``jingwu.<domain>.<kind>`` for every domain that has one."""
    found: list[ModuleType] = []
    for name in (*include, *domains()):
        module_name = f"jingwu.{name}.{kind}"
        if importlib.util.find_spec(module_name) is not None:
            found.append(importlib.import_module(module_name))
    return found


def load(reference: str) -> object:
    """The object named by ``"jingwu.module.path:attribute"`` (imported on first use)."""
    module_name, _, attribute = reference.partition(":")
    if not module_name.startswith("jingwu.") or not attribute:
        raise ValueError(f"not a reference to a Jingwu object: {reference!r}")
    return getattr(importlib.import_module(module_name), attribute)


def template_dirs() -> list[Path]:
    """The shared templates first, then each domain's ``templates/`` directory."""
    dirs = [PACKAGE_DIR / "web" / "templates"]
    dirs += [
        PACKAGE_DIR / d / "templates" for d in domains() if (PACKAGE_DIR / d / "templates").is_dir()
    ]
    return dirs


def locale_files(language: str) -> list[Path]:
    """Message catalogues (``locale/<language>.po``) of the web shell and every domain."""
    roots = [PACKAGE_DIR / "web", *(PACKAGE_DIR / d for d in domains())]
    return [p for r in roots if (p := r / "locale" / f"{language}.po").is_file()]
