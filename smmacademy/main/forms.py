"""The home page has no forms; kept so every blueprint has the same shape."""
