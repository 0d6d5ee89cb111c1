"""``python -m xuncha``: the same entry point as the ``xuncha`` command."""

from xuncha.cli.main import main

main()
