DOCS = "redis://:<password>@redis:6379/0"  # ok
