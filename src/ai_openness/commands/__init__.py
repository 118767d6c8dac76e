"""The `ai-openness` command: argument parsing, output, and one function per command."""

from ai_openness.commands.cli import main

__all__ = ["main"]
