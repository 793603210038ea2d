"""Pure parsers and streaming readers for every source format."""
