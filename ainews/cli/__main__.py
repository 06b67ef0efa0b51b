"""``python -m ainews.cli``: the ``ainews`` command."""

import sys

from ainews.cli.app import main

sys.exit(main())
