"""Plain-Python domain logic (no Flask): progress, assessment scoring, charts."""
