"""``python -m narcometrics`` runs the command line."""

from narcometrics.cli import run

run()
