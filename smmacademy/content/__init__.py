"""Course content: loading, validation, rendering and grading.

Nothing in this package imports Flask; it is plain Python so it can be used by
the CLI, the web app and the tests alike.
"""
