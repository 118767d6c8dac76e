#!/usr/bin/env python3
"""Regenerate data/ and the descriptors: a thin entry point for `ai-openness build`."""

import sys

from ai_openness.commands.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
