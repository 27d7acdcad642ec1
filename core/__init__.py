"""The domain of the partnership review: plain data and rules, with no Qt and no SQL."""
