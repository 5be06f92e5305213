"""Reading and writing run outputs."""
