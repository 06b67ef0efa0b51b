"""Imported by the extraction forkserver only: it and the workers it forks ignore stop signals.

A terminal's Ctrl-C and ``systemctl stop`` signal the whole process group. The crawl process
decides how to stop (finish what is in flight, then commit); a worker killed by the same signal
would drop the page it holds, and a dead forkserver can start no replacement worker. Both still
exit with the crawl: the forkserver when the crawl's end of its pipe closes, the workers by
``pipelines.pool.init_worker``'s watch.
"""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
