"""Helper processes: a forked second reader, a spawned fresh interpreter, a pool of parse workers."""
