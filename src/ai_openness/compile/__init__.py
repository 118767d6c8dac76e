"""Stage 1, sources/ and codings/ -> the published tables (`ai-openness build`).

inputs (read the YAML codings and stored texts) -> records (typed rows) -> quotes (ground
each quote at its offsets) -> the checking engine on the rows (compile/check.py) ->
mentions (match every alias) -> collect (sorted tables) -> write (CSV, Parquet,
descriptors, written atomically); pipeline.py runs them in that order. Nothing here is
imported on `import ai_openness`.
"""
