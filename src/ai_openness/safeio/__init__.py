"""Safe I/O: every input file is read here, contained in the package, bounded in size,
depth and count, and decoded once with one diagnosis of what it is when it is not UTF-8
text; generated files are written here, atomically."""
