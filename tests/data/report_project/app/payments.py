"""Talks to the payment provider."""

import requests

API = "https://api.example.com"


def charge(amount):
    return requests.post(f"{API}/charge", json={"amount": amount})


def download(name):
    return requests.get(f"{API}/files/{name}", timeout=None)


def health():
    return requests.get(f"{API}/health", timeout=5)
