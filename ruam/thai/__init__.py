"""Pure-Python Thai language helpers: no Django import, so they are fast to test and reuse."""
