"""Allow ``python -m movierec``."""

from movierec.cli.entry import main

main()
