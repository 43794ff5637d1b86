"""Entry point for ``python -m codesign``."""

import sys

from codesign.cli import main

sys.exit(main())
