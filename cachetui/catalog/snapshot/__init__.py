"""The on-disk snapshot: one mapped file of checked arrays."""
