"""Spack's notions, pure Python: records, versions, tags, spec strings, microarchitectures, the host, command lines."""
