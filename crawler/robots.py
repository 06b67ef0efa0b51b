"""robots.txt enforcement that holds when many requests wait for the same robots.txt."""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with every waiter of a pending robots.txt getting the parser.

    Scrapy 2.19 awaits the one pending Deferred from each waiting request. Under the asyncio
    reactor, turning a Deferred into a Future consumes its result, so the second and later
    waiters received None, read as "no robots.txt", and fetched disallowed pages. That happens
    whenever three or more requests to a site start together: a start() yielding several
    requests, or a resumed job's queue. Each waiter here gets a Deferred of its own.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The site's parser, waiting for its robots.txt when another request fetches it."""
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)
        mine: Deferred[RobotParser | None] = Deferred()

        def relay(parser: RobotParser | None) -> RobotParser | None:
            mine.callback(parser)
            return parser  # pass it on to the next waiter

        pending.addCallback(relay)
        return await maybe_deferred_to_future(mine)
