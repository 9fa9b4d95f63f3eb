"""Allow ``python -m movierec``."""

from movierec.cli import main

main()
