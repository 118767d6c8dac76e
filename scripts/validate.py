#!/usr/bin/env python3
"""Validate the package: a thin entry point for `ai-openness validate`."""

import sys

from ai_openness.commands.cli import main

if __name__ == "__main__":
    sys.exit(main(["validate", *sys.argv[1:]]))
