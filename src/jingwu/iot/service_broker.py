"""The broker accounts of the registry: every device and gateway with its ``$7$`` hash."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.iot.brokerconf import (
    Account,
    device_account,
    gateway_account,
    hash_password,
    ingester_account,
)
from jingwu.iot.models import Device, Gateway, GatewayDevice
from jingwu.org.models import Unit


def broker_accounts(
    session: Session,
    principal: Principal,
    *,
    ingester: tuple[str, str] | None = None,
) -> list[Account]:
    """Accounts of the devices and gateways in scope (the operator: all), plus the ingester.

    ``ingester`` is (username, password) of the ingestion workers' login.
    """
    principal.require("iot.devices")
    rows = session.execute(
        select(Device.code, Device.credential_hash, Unit.short_code)
        .join(Unit, Unit.id == Device.unit_id)
        .where(Device.retired.is_(False), Device.credential_hash.is_not(None))
        .where(in_scope(principal, Device.unit_id))
        .order_by(Device.code)
    ).all()
    accounts = [device_account(c, h, station=s, device=c) for c, h, s in rows if h]
    listed: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for gw_id, code, station in session.execute(
        select(GatewayDevice.gateway_id, Device.code, Unit.short_code)
        .join(Device, Device.id == GatewayDevice.device_id)
        .join(Unit, Unit.id == Device.unit_id)
        .where(Device.retired.is_(False))
    ):
        listed[gw_id].append((station, code))
    gateways = session.scalars(
        select(Gateway).where(Gateway.active.is_(True), in_scope(principal, Gateway.unit_id))
    )
    for gw in gateways:
        if listed.get(gw.id):
            accounts.append(gateway_account(gw.code, gw.credential_hash, devices=listed[gw.id]))
    if ingester is not None:
        accounts.append(ingester_account(ingester[0], hash_password(ingester[1])))
    return accounts
