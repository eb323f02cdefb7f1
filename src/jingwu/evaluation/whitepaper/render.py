"""The white paper as HTML (one Jinja template, for the page and the print) and as PDF
(WeasyPrint, with the Noto CJK fonts Debian's ``fonts-noto-cjk`` installs).

:func:`view` turns a :class:`~.content.WhitePaper` into what the templates show, in one
language: names (the catalogue's, or translated message ids), formatted values and the
charts as SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.vocab import Unit
from jingwu.evaluation.whitepaper.charts import Series, bar_chart, line_chart
from jingwu.evaluation.whitepaper.content import SOURCE_LABELS, STORED, WhitePaper, measures
from jingwu.evaluation.whitepaper.figures import Figure
from jingwu.evaluation.whitepaper.specs import SECTION_LABELS, TABLE_LABELS, FigureSpec
from jingwu.evaluation.whitepaper.tally import Kind
from jingwu.i18n import translations
from jingwu.web.templating import environment

Gettext = Callable[[str], str]
STATIC = Path(__file__).parents[1] / "static"
PRINT_TEMPLATE = "evaluation/white_paper_print.html"
# Every other month named on the charts' axis: half the text a printed chart has to shape
# and draw (47 charts), the months still plain from their place.
MONTH_LABELS = [str(m) if m % 2 else "" for m in range(1, 13)]
HEADLINES = (
    "wp.orders",
    "kpi.satisfaction.response",
    "safety.livelihood.rating_mean",
    "safety.livelihood.mediation_agreed",
    "wp.coverage",
    "wp.mystery_score",
)
_UNITS = {
    Unit.PERCENT: "%",
    Unit.MINUTES: "minutes",
    Unit.HOURS: "hours",
    Unit.PER_10K_RESIDENTS: "per 10,000 residents",
    Unit.SCORE_5: "of 5",
    Unit.SCORE_100: "of 100",
}
_DIGITS = {Unit.PERCENT: 1, Unit.MINUTES: 0, Unit.HOURS: 1, Unit.PER_10K_RESIDENTS: 2}
_DIGITS |= {Unit.SCORE_5: 2, Unit.SCORE_100: 1, Unit.COUNT: 0}


@dataclass(frozen=True)
class FigureView:
    """A key indicator as shown: name, value, unit, direction, chart, definition."""

    id: str
    name: str
    value: str
    unit: str
    better: str
    chart: Markup
    definition: str


def number(value: float | None, unit: Unit) -> str:
    """A value for the page: ``—`` when missing, digits by unit, thousands separated."""
    if value is None:
        return "—"
    return f"{value:,.{_DIGITS.get(unit, 1)}f}"


def name(spec: FigureSpec, language: str, _: Gettext) -> str:
    """The figure's name: the catalogue's for its indicators, else the translated label."""
    measure = measures().get(spec.id)
    return measure.name(language) if measure is not None else _(spec.label)


def definition(spec: FigureSpec, language: str, _: Gettext) -> str:
    """The figure's definition: the catalogue's, else the translated text."""
    measure = measures().get(spec.id)
    return measure.definition(language) if measure is not None else _(spec.definition)


def index_name(index: str, language: str, _: Gettext) -> str:
    """An index's name: the catalogue's for the KPI indices; the safety index's translated."""
    for kpi_index in default_catalogue().indices:
        if kpi_index.id == index:
            return kpi_index.name_en if language == "en" else kpi_index.name_zh
    return _("Community safety index")


def chart(figure: Figure, title: str) -> Markup:
    """Volumes as bars, shares and means as a line, month by month."""
    months = list(figure.result.months)
    chart_id = "chart-" + figure.id.replace(".", "-")
    if figure.spec.kind in {Kind.COUNT, Kind.SUM, Kind.RATE}:
        svg = bar_chart(MONTH_LABELS, months, title=title, chart_id=chart_id)
    else:
        series = [Series(title, months)]
        svg = line_chart(MONTH_LABELS, series, title=title, chart_id=chart_id, zero=True)
    return Markup(svg)  # noqa: S704 - built by charts.py, every text escaped there


def figure_view(figure: Figure, language: str, _: Gettext) -> FigureView:
    """One figure in one language."""
    spec = figure.spec
    title = name(spec, language, _)
    better = {True: _("higher is better"), False: _("lower is better"), None: ""}
    return FigureView(
        figure.id,
        title,
        number(figure.result.year, spec.unit),
        _(_UNITS[spec.unit]) if spec.unit in _UNITS else "",
        better[spec.higher_better],
        chart(figure, title),
        definition(spec, language, _),
    )


def view(paper: WhitePaper, language: str) -> dict[str, Any]:
    """The template context of a white paper in ``language`` (zh_CN or en)."""
    _ = translations(language).gettext
    sections = [
        (_(SECTION_LABELS[s]), [figure_view(f, language, _) for f in figures])
        for s, figures in paper.sections
        if figures
    ]
    views = {v.id: v for _title, group in sections for v in group}
    return {
        "paper": paper,
        "sections": sections,
        "headlines": [views[i] for i in HEADLINES if i in views],
        "figure_count": len(paper.figures.figures),
        "tables": [
            (
                t.key,
                _(TABLE_LABELS[t.key]),
                [(name(c, language, _), c.unit) for c in t.columns],
                t.rows,
            )
            for t in paper.tables
        ],
        "number": number,
        "rankings": [(index_name(r.index, language, _), r) for r in paper.rankings],
        "sources": [
            (_(SOURCE_LABELS[k]), v)
            for k, v in [*paper.figures.newest.items(), (STORED, paper.figures.stored.computed_at)]
        ],
    }


def print_html(paper: WhitePaper, language: str) -> str:
    """The standalone HTML the PDF is printed from (the print style sheet linked)."""
    tr = translations(language)
    context = view(paper, language)
    context.update(language=language, _=tr.gettext, gettext=tr.gettext, ngettext=tr.ngettext)
    return environment().get_template(PRINT_TEMPLATE).render(context)


def pdf(paper: WhitePaper, language: str = "zh_CN") -> bytes:
    """The white paper as a PDF."""
    from weasyprint import HTML  # noqa: PLC0415 - loads Pango; only the PDF needs it

    document = HTML(string=print_html(paper, language), base_url=str(STATIC) + "/")
    return bytes(document.write_pdf())
