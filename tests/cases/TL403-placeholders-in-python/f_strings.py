URL = f"redis://:{password}@redis:6379/0"  # ok
URL2 = f"redis://:{quote(p, safe='')}@r"  # ok
