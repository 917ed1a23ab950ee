"""One folder per input format, each reading one file into pages, index columns or a problem."""
