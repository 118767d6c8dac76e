"""Stage 3, a checked package -> a release: row-level diffs between versions, the
changelog, and the reproducible archives (`ai-openness diff`, `ai-openness release`)."""
