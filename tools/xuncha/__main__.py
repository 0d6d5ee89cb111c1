"""``python -m xuncha``: the same entry point as the ``xuncha`` command."""

from xuncha.launch import main

main()
