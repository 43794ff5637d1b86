"""What the app and the command line do with a store.

The write gate, the demo session, loading a session's analysis. The only layer besides the
CLI and the pages that holds a store.
"""
