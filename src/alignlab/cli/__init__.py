"""The ``alignlab`` command: parses arguments, calls one library function, prints its result."""
