"""The Jinja2 environment of the HTML report: templates in report/templates/, autoescaped,
with the number formats of `fmt` as filters (`percent`, `number`, `estimate`, `interval`)."""

from __future__ import annotations

from functools import cache

from markupsafe import Markup

from iadsim.report import fmt


@cache
def environment():
    """The one environment (templates are compiled once per process)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("iadsim.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        percent=fmt.percent,
        number=fmt.number,
        estimate=fmt.estimate,
        interval=fmt.interval,
        decimals_for=fmt.decimals_for,
    )
    return env


def render(template: str, **context) -> Markup:
    """Render `template` (a file in report/templates/) to safe HTML."""
    return Markup(environment().get_template(template).render(**context))


def render_table(head: list[str], rows: list[list], cls: str = "") -> Markup:
    """A table (cells escaped unless Markup) from the shared macro in macros.html.j2."""
    macro = environment().get_template("macros.html.j2").module.table
    return Markup(macro(head, rows, cls))
