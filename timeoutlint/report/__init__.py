"""Reports: one module per output format, each a function of the findings."""
