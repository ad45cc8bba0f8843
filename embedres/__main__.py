"""``python -m embedres`` runs the command-line interface."""

import sys

from embedres.cli import main

sys.exit(main())
