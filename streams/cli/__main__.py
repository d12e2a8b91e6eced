"""``python -m streams.cli``."""

import sys

from streams.cli import main

sys.exit(main())
