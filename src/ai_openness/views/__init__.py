"""Reading the published tables: `load` (pandas, the package's public interface), the
database exports and the figures. Each reads a package with the contract of its own
datapackage.json."""
