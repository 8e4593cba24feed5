"""CLI command modules; each defines `register(subparsers)` (see cli.py)."""
