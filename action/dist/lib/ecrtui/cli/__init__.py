"""The headless face: argument parsing, output formats and exit codes over the core."""
