"""The checking engine: cell, key and table rules on polars columns, the stored-text rule,
and the findings they make. The build and `validate` both hand their tables to it."""
