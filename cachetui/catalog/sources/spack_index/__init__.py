"""Spack's build-cache indexes: v2 and v3 mirrors, bare index.json, Spack's index cache (docs/spack-index-format.md)."""
