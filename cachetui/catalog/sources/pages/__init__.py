"""The site's page files (docs/page-format.md)."""
