"""What the legal search API answers."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ProvisionOut(BaseModel):
    """One article in force that answers the question."""

    law: str = Field(description="the law's full title as the corpus gives it")
    article: str = Field(description="the article number, e.g. 第五十六条")
    score: float = Field(description="BM25 score (higher is better)")
    text: str = Field(description="the article's text")
    effective: str = Field(description="the law's effective date, YYYY-MM-DD")
    source: str = Field(description="the corpus, its version and the law's id in it")
