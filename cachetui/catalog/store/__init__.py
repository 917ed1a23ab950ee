"""The column store in memory: rows readers hand over, the spec store, page table and hash index."""
