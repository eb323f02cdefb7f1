"""Evidence over HTTP: the public transparency log, and the officers' JSON API.

Public, in both zones, no login (hashes only): ``GET /evidence/checkpoint`` (the latest
checkpoint note with its cosignatures), ``GET /evidence/tile/<L>/<N>[.p/<W>]`` (C2SP
tlog-tiles hash tiles), ``POST /evidence/cosignature`` (witnesses hand in cosignatures;
the signature itself is the credential). Entry bundles (``tile/entries/…``) are not
published: entries carry case metadata.

Login and scope, intranet only: ``/api/v1/evidence`` — record (multipart), list an
order's items, an item's entry and inclusion proof, bundles, consistency proofs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from jingwu.accounts.principal import Principal
from jingwu.errors import DomainError, Invalid, NotFound
from jingwu.evidence import export, proofs, queries, service, store, tiles, witnesses
from jingwu.evidence.schemas import ConsistencyOut, CosignedOut, ItemOut, ProofOut, RecordedOut
from jingwu.evidence.sequencer import latest_checkpoint
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import BlobsDep, Now, SessionDep, SettingsDep
from jingwu.web.errors import error_body
from jingwu.web.i18n import error_fields, error_text
from jingwu.web.openapi import API_ERRORS, PUBLIC_ERRORS, binary
from jingwu.web.params import MAX_ID

ZONES = frozenset({"intranet", "internet"})
MAX_COSIGNED_NOTE = 64 * 1024
IMMUTABLE = "public, max-age=31536000, immutable"
Version = Annotated[int | None, Query(ge=1, le=MAX_ID, description="version (default: latest)")]


def intranet_only(settings: SettingsDep) -> None:
    """Hide the officers' API from a process serving the internet zone only."""
    if settings.zone == "internet":
        raise NotFound("Page not found.")


public = APIRouter(prefix="/evidence", tags=["evidence log (public)"], responses=PUBLIC_ERRORS)
private = APIRouter(
    prefix="/api/v1/evidence",
    tags=["evidence"],
    dependencies=[Depends(intranet_only)],
    responses=API_ERRORS,
)


@public.get("/checkpoint", response_class=PlainTextResponse, dependencies=[PUBLIC])
def checkpoint(session: SessionDep) -> Response:
    """The latest signed checkpoint, with the witnesses' cosignatures."""
    head = latest_checkpoint(session)
    if head is None:
        raise NotFound("The log has not signed a checkpoint yet.")
    note = proofs.published_note(session, head)
    return PlainTextResponse(note, headers={"Cache-Control": "no-cache"})


@public.get(
    "/tile/{path:path}",
    responses=binary("application/octet-stream", "hash tile"),
    dependencies=[PUBLIC],
)
def tile(session: SessionDep, path: str) -> Response:
    """A hash tile of the tree under the latest checkpoint (C2SP tlog-tiles)."""
    try:
        wanted = tiles.parse_tile_path(f"tile/{path}")
    except tiles.TileError as exc:
        raise NotFound("No such tile: {why}.", params={"why": str(exc)}) from None
    if not isinstance(wanted.level, int):
        raise NotFound("Entry bundles are not published: entries carry case metadata.")
    head = latest_checkpoint(session)
    available = 0 if head is None else tiles.tile_width(wanted.level, wanted.index, head.size)
    if wanted.width > available:
        raise NotFound("That tile is not complete under the latest checkpoint.")
    data = store.tile_hashes(session, wanted.level, wanted.index, wanted.width)
    return Response(
        data, media_type="application/octet-stream", headers={"Cache-Control": IMMUTABLE}
    )


@public.post("/cosignature", response_model=CosignedOut, dependencies=[PUBLIC])
async def cosignature(request: Request, session: SessionDep, now: Now) -> Response:
    """Store a witness's cosignature of a checkpoint (the body is the cosigned note).

    Answers in JSON either way: witnesses are programs, not browsers.
    """
    body = await request.body()
    try:
        if len(body) > MAX_COSIGNED_NOTE:
            raise Invalid("A cosigned checkpoint is far smaller than this.")
        note = body.decode("utf-8", "replace")
        # The database work runs in the thread pool, as it does for synchronous routes.
        accepted = await run_in_threadpool(witnesses.submit_cosigned, session, note=note, now=now)
    except DomainError as exc:
        error = error_body(exc.code, error_text(request, exc), error_fields(request, exc))
        return JSONResponse(error, status_code=exc.status)
    out = CosignedOut(
        size=accepted.size, stored=list(accepted.stored), already=list(accepted.already)
    )
    return JSONResponse(out.model_dump())


@private.get("", response_model=list[ItemOut])
def list_items(
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.view")],
    order: Annotated[str, Query()],
) -> list[ItemOut]:
    """The evidence items of a work order, with log index and proof status."""
    return [ItemOut.of(v) for v in queries.order_items(session, principal, order_code=order)]


@private.post("", response_model=RecordedOut, status_code=201)
def record(
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.record")],
    blobs: BlobsDep,
    now: Now,
    file: Annotated[UploadFile, File()],
    order: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    item: Annotated[str, Form()] = "",
) -> RecordedOut:
    """Record an uploaded file as a new item of an order, or as a new version of ``item``."""
    name, mtype, text = file.filename or "content", file.content_type or "", _lf(note)
    if not item and not order:
        raise Invalid(
            "Give the work order (or the item, for a new version).", fields={"order": "required"}
        )
    if item:
        recorded = service.record_version(
            session,
            principal,
            blobs,
            item_code=item,
            filename=name,
            media_type=mtype,
            stream=file.file,
            note=text,
            now=now,
        )
    else:
        recorded = service.record_item(
            session,
            principal,
            blobs,
            order_code=order,
            category=category,
            filename=name,
            media_type=mtype,
            stream=file.file,
            note=text,
            now=now,
        )
    last = service.latest_entry(session, recorded.id)
    index = proofs.leaf_index(session, last.id)
    return RecordedOut(
        item=recorded.code,
        order=recorded.order_code,
        version=last.version,
        sha256=last.sha256,
        size=last.size,
        log_index=index,
        status="queued" if index is None else "sequenced",
    )


def _lf(text: str) -> str:
    """Browsers send form line breaks as CRLF; entries keep LF only."""
    return text.replace("\r\n", "\n")


@private.get("/items/{code}", response_model=ProofOut)
def item_proof(
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.view")],
    code: str,
    version: Version = None,
) -> ProofOut:
    """An item's entry and its inclusion proof in the latest signed checkpoint."""
    return ProofOut.of(proofs.inclusion(session, principal, item_code=code, version=version))


@private.get("/items/{code}/bundle", responses=binary("application/zip", "the bundle (zip)"))
def bundle(
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.view")],
    blobs: BlobsDep,
    now: Now,
    code: str,
    version: Version = None,
    hash_only: bool = False,
) -> StreamingResponse:
    """Download an item's bundle (zip): entry, tlog-proof, and the file unless hash-only."""
    spool, done = export.bundle_file(
        session, principal, blobs, item_code=code, version=version, hash_only=hash_only, now=now
    )
    suffix = "-hash-only" if hash_only else ""
    name = f"{done.item_code}-v{done.version}{suffix}.zip"
    return StreamingResponse(
        _chunks(spool),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(1 << 20):
            yield chunk
    finally:
        spool.close()


@private.get("/consistency", response_model=ConsistencyOut)
def consistency(
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.view")],
    old: Annotated[int, Query(ge=1, le=MAX_ID)],
    new: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> ConsistencyOut:
    """A consistency proof from size ``old`` to ``new`` (default: the latest checkpoint)."""
    return ConsistencyOut.of(proofs.consistency(session, principal, old_size=old, new_size=new))


router = APIRouter()
router.include_router(public)
router.include_router(private)
