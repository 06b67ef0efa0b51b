"""``python -m crawler.cli``: the ``ainews`` command."""

import sys

from crawler.cli.app import main

sys.exit(main())
