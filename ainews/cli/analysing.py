"""Commands about what the news is about: trends of AI entities, stories and their spread."""

from __future__ import annotations

import shlex

import click

from ainews.cli.common import (
    CliError,
    common_options,
    day,
    existing_archive,
    json_option,
    jsonable,
    print_json,
    program,
    say,
    table,
    warn,
)


@click.command()
@click.argument("names", nargs=-1, required=True, metavar="ENTITY...")
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="week",
              show_default=True, help="the period mentions are counted by")
@click.option("--site", help="only this site's articles")
@click.option("--since", metavar="DATE", help="only articles published on or after this day")
@click.option("--until", metavar="DATE", help="only articles published before this day")
@json_option
@common_options
def trends(names: tuple[str, ...], by: str, site: str | None, since: str | None,
           until: str | None, as_json: bool) -> int:
    """Mentions of AI entities (an id or any name: DeepSeek, 深度求索, qwen) over time."""
    from archive.trends import trends as count_trends
    from extractor.entities import resolve

    entities = []
    for name in names:
        entity = resolve(name)
        if entity is None:
            raise CliError(f"unknown entity {name!r}: give an id or a name of "
                           "extractor/data/ai_entities.csv (DeepSeek, 通义千问, openai)")
        entities.append(entity)
    archive = existing_archive()
    points = count_trends(archive, [e.id for e in entities], by=by, site=site,
                          since=day(since, "--since"), until=day(until, "--until"))
    unmatched = archive.sql("SELECT count(*) AS n FROM articles WHERE entities IS NULL"
                            ).to_pylist()[0]["n"]
    if unmatched:
        # Rows written before schema version 4 (or appended without extraction).
        warn(f"{unmatched} articles have no entities matched yet (not counted); match them "
             f"with: {program()} maintain --archive {shlex.quote(str(archive.root))}")
    if as_json:
        for point in points:
            print_json(jsonable(point))
        return 0
    shown = {e.id: e.name for e in entities}
    if not points:
        say(f"no article mentions {', '.join(shown.values())}")
        return 0
    say(table([by, "entity", "mentions", "articles", "stories"],
              [[p.period, shown[p.entity], p.mentions, p.articles, p.stories] for p in points]))
    return 0


@click.command()
@click.option("--since", metavar="DATE", help="only stories with an article from this day on")
@click.option("--site", help="only stories this site carried")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="the most widely carried stories shown")
@json_option
@common_options
def stories(since: str | None, site: str | None, limit: int, as_json: bool) -> int:
    """Stories several outlets ran: the first outlet and time, each reprint's delay, how many
    outlets and independent sources carried it."""
    from archive.stories import stories as find_stories

    found = find_stories(existing_archive(), since=day(since, "--since"), site=site, limit=limit)
    if as_json:
        for story in found:
            print_json(jsonable(story))
        return 0
    if not found:
        say("no story was carried by more than one outlet")
    for number, story in enumerate(found, 1):
        first = story.first
        when = first.published_at.strftime("%Y-%m-%d %H:%M") if first.published_at else "?"
        say(f"{number}. {click.style(story.title, bold=True)}")
        say(f"   {story.outlets} outlets, {story.sources} independent sources; first: "
            f"{first.site} at {when} UTC; origin: {story.origin}")
        for carrier in story.carriers[1:]:
            delay = f"+{carrier.delay_hours:g} h" if carrier.delay_hours is not None else "?"
            credit = f" (credits {carrier.source})" if carrier.source else ""
            say(f"   {delay:>9}  {carrier.site}{credit}  {carrier.url}")
    return 0


COMMANDS = [trends, stories]
