"""Build accessible PDF, EPUB, HTML and plain-text editions from one Markdown source."""

__version__ = "0.1.0"
