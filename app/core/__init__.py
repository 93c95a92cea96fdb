"""Everything a command line or a test can drive. Never imports Qt."""
