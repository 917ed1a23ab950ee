"""The query language and what answers it: parsing, package names, sorting, summaries."""
