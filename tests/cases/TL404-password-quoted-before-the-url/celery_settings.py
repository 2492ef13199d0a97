# `requests` comes from the star import: the quote() call cannot be resolved, so the finding
# keeps its general message; a unit test shows it gets no fix (it would encode twice).
from settings import *  # noqa: F403

BROKER_PASSWORD = requests.compat.quote(env("BROKER_PASSWORD", ""))  # noqa: F405
BROKER_URL = f"redis://:{BROKER_PASSWORD}@redis:6379/0"  # error: TL404
