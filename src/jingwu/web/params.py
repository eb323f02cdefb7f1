"""Request parameter types shared by every route: bounded ids and page numbers, local
date-times, and a form read before a synchronous endpoint runs.

Use these instead of bare ``int`` or ``datetime``: a value the database cannot hold (an id
of 2^63 or more) or a time without a zone is a 422 here, named in the error's ``fields``,
never a 500 further in. The OpenAPI document carries the same bounds.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of a URL-encoded or multipart form (files are left out).

    Read here, on the event loop, so the endpoint itself can be synchronous and do its
    database work in a thread: an ``async def`` endpoint that calls a service would hold
    up every other request while the database answers.
    """
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]
