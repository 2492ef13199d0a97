# Timeout rules keep running in test paths (only the credential rules skip them).
import requests
requests.get('https://example.com')  # error: TL101@1
