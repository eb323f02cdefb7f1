"""Write a zh_CN message catalogue from a Python dict (used once to start a domain's .po)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def main(path: str, pairs: dict[str, str]) -> None:
    target = Path(path)
    catalog = Catalog(locale="zh_CN", project="Jingwu", charset="utf-8")
    if target.exists():
        with target.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN")
    for msgid, msgstr in pairs.items():
        catalog.add(msgid, msgstr)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True)


if __name__ == "__main__":
    import json

    main(sys.argv[1], json.loads(Path(sys.argv[2]).read_text()))
