"""Department and unit tasks of an order (WO-4): each with its own deadline and status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.org.models import Unit
from jingwu.org.service import unit_by_code
from jingwu.reference.models import Department
from jingwu.workorders.models import Task, WorkOrder
from jingwu.workorders.schemas import TaskIn, TaskUpdateIn
from jingwu.workorders.service_core import actor_of, add_event, get_order
from jingwu.workorders.states import OPEN_STATES
from jingwu.workorders.vocab import Actor, term, terms

# Coordinating outside departments is police work; supervisors above the station may too.
TASK_ROLES = frozenset({Actor.OFFICER, Actor.CHIEF, Actor.STREET, Actor.DIRECTOR})


@dataclass(frozen=True)
class TaskView:
    """A task with the name of its target."""

    task: Task
    target: str
    target_en: str
    overdue: bool


def _check_role(principal: Principal) -> None:
    actor = actor_of(principal)
    if actor not in TASK_ROLES:
        raise Forbidden(
            "The role {actor} may not give tasks to departments; allowed: {allowed}.",
            params={"actor": term("actor", actor), "allowed": terms("actor", TASK_ROLES)},
            code="role_forbidden",
        )


def _target(session: Session, data: TaskIn) -> tuple[int | None, int | None]:
    if bool(data.department) == bool(data.unit):
        raise Invalid(
            "Name either a department or a unit.",
            fields={"department": "a department or a unit, not both"},
        )
    if data.department:
        dept = session.scalar(
            select(Department).where(Department.code == data.department, Department.active)
        )
        if dept is None:
            raise Invalid(
                "Unknown department '{department}'.",
                params={"department": data.department},
                fields={"department": "unknown department"},
            )
        return dept.id, None
    unit = unit_by_code(session, data.unit or "")
    if unit is None:
        raise Invalid(
            "Unknown unit '{unit}'.", params={"unit": data.unit}, fields={"unit": "unknown unit"}
        )
    return None, unit.id


def add_task(
    session: Session, principal: Principal, *, code: str, data: TaskIn, now: dt.datetime
) -> Task:
    """Give a department or unit a task on an open order, with its own deadline."""
    _check_role(principal)
    order = get_order(session, principal, code=code, for_update=True)
    if order.state not in OPEN_STATES:
        raise Conflict(
            "Cannot add tasks to an order in state {state}.",
            params={"state": term("state", order.state)},
            code="wrong_state",
        )
    if data.due_at.tzinfo is None:
        raise Invalid("The deadline needs a time zone.", fields={"due_at": "timezone required"})
    if data.due_at <= now:
        raise Invalid("The deadline must be in the future.", fields={"due_at": "in the past"})
    department_id, unit_id = _target(session, data)
    task = Task(
        order_id=order.id,
        unit_id=order.unit_id,
        department_id=department_id,
        target_unit_id=unit_id,
        instructions=data.instructions,
        due_at=data.due_at,
        status="open",
        result="",
        created_by_id=principal.user_id,
        created_at=now,
    )
    session.add(task)
    session.flush()
    add_event(
        session,
        order,
        principal,
        kind="task",
        action="task_added",
        now=now,
        reason=data.instructions,
        data={"task": task.id, "department": data.department, "unit": data.unit},
    )
    session.flush()
    return task


def update_task(
    session: Session,
    principal: Principal,
    *,
    code: str,
    task_id: int,
    data: TaskUpdateIn,
    now: dt.datetime,
) -> Task:
    """Mark a task done (with its result) or cancelled."""
    _check_role(principal)
    order = get_order(session, principal, code=code, for_update=True)
    task = session.get(Task, task_id)
    if task is None or task.order_id != order.id:
        raise NotFound(
            "No task {task_id} on work order {code}.",
            params={"task_id": task_id, "code": order.code},
        )
    if task.status != "open":
        raise Conflict(
            "Task {task_id} is {status} already.",
            params={"task_id": task_id, "status": term("status", task.status)},
            code="wrong_state",
        )
    task.status, task.result = data.status, data.result
    task.done_at = now
    add_event(
        session,
        order,
        principal,
        kind="task",
        action=f"task_{data.status}",
        now=now,
        reason=data.result,
        data={"task": task.id},
    )
    session.flush()
    return task


def tasks_of(session: Session, order: WorkOrder, *, now: dt.datetime) -> list[TaskView]:
    """The order's tasks with their targets' names (the caller has checked the scope)."""
    rows = session.execute(
        select(Task, Department.name, Department.name_en, Unit.name, Unit.name_en)
        .outerjoin(Department, Department.id == Task.department_id)
        .outerjoin(Unit, Unit.id == Task.target_unit_id)
        .where(Task.order_id == order.id)
        .order_by(Task.id)
    ).all()
    return [
        TaskView(
            task=t,
            target=dept or unit or "",
            target_en=dept_en or unit_en or dept or unit or "",
            overdue=t.status == "open" and t.due_at < now,
        )
        for t, dept, dept_en, unit, unit_en in rows
    ]


class TaskRow(NamedTuple):
    """A task's shown fields and its target's names."""

    id: int
    instructions: str
    due_at: dt.datetime
    status: str
    result: str
    target: str
    target_en: str


_TASK_ROWS = (
    select(
        Task.id,
        Task.instructions,
        Task.due_at,
        Task.status,
        Task.result,
        Department.name,
        Department.name_en,
        Unit.name,
        Unit.name_en,
    )
    .outerjoin(Department, Department.id == Task.department_id)
    .outerjoin(Unit, Unit.id == Task.target_unit_id)
    .where(Task.order_id == bindparam("order_id"))
    .order_by(Task.id)
)


def task_rows(session: Session, order_id: int) -> list[TaskRow]:
    """The order's tasks as :func:`tasks_of` names them, as plain rows (the API's read)."""
    session.flush()  # what the session's autoflush would do before a query
    rows = session.connection().execute(_TASK_ROWS, {"order_id": order_id})
    return [
        TaskRow(i, text, due, status, result, d or u or "", d_en or u_en or d or u or "")
        for i, text, due, status, result, d, d_en, u, u_en in rows
    ]
