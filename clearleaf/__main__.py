"""Entry point for ``python -m clearleaf``."""

from clearleaf.cli import main

main()
