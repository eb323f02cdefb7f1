"""The portal's submission: the form, the SMS one-time code, and the checks before a
request is handed inward (challenge, code, rate limits, cleaned photos)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.errors import DomainError, Invalid
from jingwu.portal import challenge, guard, photos, service, sms
from jingwu.security import keys
from jingwu.security.pii import IdentifierError, normalize_phone
from jingwu.sunshine import queries as sunshine
from jingwu.web.authz import PUBLIC
from jingwu.web.deps import Now, SessionDep, client_ip
from jingwu.web.i18n import error_fields, error_text
from jingwu.web.templating import render
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE

ZONES = frozenset({"internet"})
router = APIRouter(include_in_schema=False)


def _form(
    request: Request,
    now: dt.datetime,
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    session: Session | None = None,
) -> dict[str, Any]:
    language = getattr(request.state, "language", "zh_CN")
    return {
        "categories": [(c.code, c.name(language)) for c in DEFAULT_CATALOGUE],
        "challenge": challenge.issue(keys.current().secret_key, now_ts=now.timestamp()),
        "values": values,
        "errors": errors,
        "tile_url": request.app.state.settings.tile_url or "",
        "stations": _stations(request, session) if session is not None else [],
    }


def _stations(request: Request, session: Session) -> list[dict[str, Any]]:
    """The stations' public names and points as published by sunshine policing (the open
    data the internet zone may read; snapped to its grid), for the map without tiles."""
    row = sunshine.latest(session)
    if row is None:
        return []
    english = getattr(request.state, "language", "zh_CN") == "en"
    return [
        {
            "name": (p.get("name_en") if english and p.get("name_en") else p["name"]),
            "lat": p["lat"],
            "lon": p["lon"],
        }
        for p in sunshine.document(session, row).get("places", [])
        if p.get("lat") is not None and p.get("lon") is not None
    ]


@router.get("/portal/submit", response_class=HTMLResponse, dependencies=[PUBLIC])
def submit_form(request: Request, session: SessionDep, now: Now) -> Response:
    """The form to report a problem."""
    ctx = _form(request, now, values={}, errors={}, session=session)
    return render(request, "portal/submit.html", ctx)


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except IdentifierError:
        raise Invalid(
            "The phone number is not valid.", fields={"contact_phone": "Not a phone number."}
        ) from None


@router.post("/portal/code", response_class=HTMLResponse, dependencies=[PUBLIC])
def send_code(
    request: Request,
    session: SessionDep,
    now: Now,
    contact_phone: Annotated[str, Form(max_length=32)],
) -> Response:
    """Send an SMS one-time code to the phone (a fragment saying so, or why not)."""
    try:
        phone = _phone(contact_phone)
        guard.check_rate(session, "code", phone=phone, address=client_ip(request), now=now)
        code = guard.new_code(session, phone=phone, now=now)
        language = getattr(request.state, "language", "zh_CN")
        settings = request.app.state.settings
        sms.send_code(session, settings, phone=phone, code=code, language=language, now=now)
    except DomainError as exc:
        ctx = {"error": error_text(request, exc)}
        return render(request, "portal/code_sent.html", ctx, status_code=422)
    # The demo shows the code (the newcomer has no phone on the gateway); production never.
    shown = code if settings.demo and not settings.is_production else None
    return render(request, "portal/code_sent.html", {"error": None, "demo_code": shown})


def _coordinate(value: str) -> float | None:
    try:
        return float(value) if value.strip() else None
    except ValueError:
        raise Invalid("The location is not valid.", fields={"location": "Pick a place."}) from None


def _accept(
    session: Session, now: dt.datetime, address: str, form: dict[str, str], raw: list[bytes]
) -> str:
    """Every check, then the submission; returns the tracking token."""
    try:
        nonce = challenge.verify(
            keys.current().secret_key,
            form["pow_challenge"],
            form["pow_answer"],
            now_ts=now.timestamp(),
        )
    except challenge.ChallengeError:
        raise Invalid(
            "The security check did not pass; please try again.", fields={"form": "challenge"}
        ) from None
    phone = _phone(form["contact_phone"])
    guard.check_rate(session, "submit", phone=phone, address=address, now=now)
    guard.use_once(session, nonce, now=now)
    # Every field is checked before the SMS code is spent: a bad photo or description
    # leaves the code good for the corrected resubmission.
    pictures = [photos.clean(data, keep_location=form["keep_location"] == "yes") for data in raw]
    lat, lon = _coordinate(form["lat"]), _coordinate(form["lon"])
    service.check("portal", form["service_code"], form["description"], lat, lon, pictures)
    if not guard.check_code(session, phone=phone, code=form["sms_code"], now=now):
        session.commit()  # the failed try counts even though the request fails
        raise Invalid(
            "The SMS code is wrong or has expired.", fields={"sms_code": "Ask for a new code."}
        )
    # The code is spent in the transaction that writes the submission (one commit).
    return service.submit(
        session,
        channel="portal",
        service_code=form["service_code"],
        description=form["description"],
        lat=lat,
        lon=lon,
        contact_phone=phone,
        photos=pictures,
        now=now,
    ).token


@router.post("/portal/submit", response_class=HTMLResponse, dependencies=[PUBLIC])
async def submit(  # noqa: PLR0917 - one parameter per form field
    request: Request,
    session: SessionDep,
    now: Now,
    service_code: Annotated[str, Form(max_length=48)],
    description: Annotated[str, Form(max_length=4000)],
    contact_phone: Annotated[str, Form(max_length=32)],
    sms_code: Annotated[str, Form(max_length=8)],
    pow_challenge: Annotated[str, Form(max_length=120)],
    pow_answer: Annotated[str, Form(max_length=16)] = "",
    lat: Annotated[str, Form(max_length=24)] = "",
    lon: Annotated[str, Form(max_length=24)] = "",
    keep_location: Annotated[str, Form(max_length=4)] = "",
    photo: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Check the challenge, the SMS code and the limits, then hand the request inward."""
    form = {
        "service_code": service_code,
        "description": description,
        "contact_phone": contact_phone,
        "sms_code": sms_code,
        "pow_challenge": pow_challenge,
        "pow_answer": pow_answer,
        "lat": lat,
        "lon": lon,
        "keep_location": keep_location,
    }
    try:
        uploads = [u for u in photo or [] if u.filename]
        if len(uploads) > service.MAX_PHOTOS:
            raise Invalid("At most 3 photos.", fields={"photos": "At most 3 photos."})
        raw = [await u.read(photos.MAX_UPLOAD_BYTES + 1) for u in uploads]
        address = client_ip(request)
        token = await to_thread.run_sync(lambda: _accept(session, now, address, form, raw))
    except DomainError as exc:
        values = {
            k: form[k] for k in ("service_code", "description", "contact_phone", "lat", "lon")
        }
        fields = error_fields(request, exc, whole="form")
        ctx = await to_thread.run_sync(  # the stations are read off the event loop
            lambda: _form(request, now, values=values, errors=fields, session=session)
        )
        ctx["message"] = error_text(request, exc)
        return render(request, "portal/submit.html", ctx, status_code=422)
    return RedirectResponse(f"/portal/track/{token}?new=1", status_code=303)
