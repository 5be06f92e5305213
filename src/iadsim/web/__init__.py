"""`iadsim serve`: a local, read-only web app over a directory of iadsim outputs."""
