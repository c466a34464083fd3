#!/usr/bin/env python
"""Same as the ``ruam`` command, for those used to Django's manage.py."""

from ruam.cli import main

if __name__ == "__main__":
    main()
