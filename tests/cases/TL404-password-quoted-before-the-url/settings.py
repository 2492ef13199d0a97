# A password percent-encoded before it is interpolated: only what quote() keeps is reported.
import os

import requests
from urllib.parse import quote

KEEPS_SLASH = requests.utils.quote(os.environ.get("PW", ""))
URL = f"redis://:{KEEPS_SLASH}@redis:6379/0"  # error: TL404 "percent-encoded by `quote()`" "keeps `/` as it is"
ENCODED = quote(os.environ.get("PW", ""), safe="")
ENCODED_URL = f"redis://:{ENCODED}@redis:6379/0"  # ok: every breaking character is encoded
COMPAT = f"redis://:{requests.compat.quote(ENCODED, safe='')}@redis:6379/0"  # ok
DIRECT = f"redis://:{quote(os.environ['PW'])}@redis:6379/0"  # error: TL404 "keeps `/` as it is"
