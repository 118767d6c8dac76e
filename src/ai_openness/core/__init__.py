"""The foundation every layer stands on: where the package lives, the limits on untrusted
input, located problems, characters and scripts, dates, cells and the rule of retired ids.
It imports nothing of the package's own."""
