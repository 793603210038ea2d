"""The Whoosh search index: the only package that imports whoosh."""
