"""Domain services used by the views and the CLI."""
