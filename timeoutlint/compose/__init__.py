"""docker-compose and `.env` files: a YAML tree with exact positions, the compose model,
variable interpolation as compose does it, and a dotenv parser."""
