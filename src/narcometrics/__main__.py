"""``python -m narcometrics`` runs the command line."""

import sys

from narcometrics.cli import main

sys.exit(main())
