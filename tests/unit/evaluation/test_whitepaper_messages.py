"""Every text the white paper shows has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import jingwu.evaluation
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.whitepaper import content, render, specs
from jingwu.i18n import translations

PACKAGE = Path(jingwu.evaluation.__file__).parent
TEMPLATES = PACKAGE / "templates" / "evaluation"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
CALL = re.compile(r'_\("((?:[^"\\]|\\.)*)"\)')


def test_every_white_paper_text_has_a_chinese_translation() -> None:
    ids = {s.label for s in specs.SPECS if s.label} | {s.definition for s in specs.SPECS if s.label}
    ids |= set(specs.SECTION_LABELS.values()) | set(specs.TABLE_LABELS.values())
    ids |= set(content.SOURCE_LABELS.values()) | set(render._UNITS.values()) - {"%"}
    for template in TEMPLATES.glob("white_paper*.html"):
        ids |= set(CALL.findall(template.read_text(encoding="utf-8")))
    zh = translations("zh_CN").gettext  # the domains' catalogues merged, as pages use them
    missing = sorted(i for i in ids if not re.search("[\u4e00-\u9fff]", zh(i)))
    assert not missing
    for message in ids:
        assert sorted(PLACEHOLDER.findall(zh(message))) == sorted(PLACEHOLDER.findall(message))


def test_figures_of_the_catalogue_have_its_names_and_the_others_have_their_own() -> None:
    catalogue = {m.id for m in default_catalogue()}
    for spec in specs.SPECS:
        if spec.id.startswith("wp."):
            assert spec.label and spec.definition, spec.id
        else:
            assert spec.id in catalogue and not spec.label, spec.id
    assert len(specs.SPECS) >= 30
    assert len({s.id for s in specs.SPECS}) == len(specs.SPECS)
    tabled = {i for ids in specs.TABLES.values() for i in ids}
    assert tabled <= {s.id for s in specs.SPECS}
