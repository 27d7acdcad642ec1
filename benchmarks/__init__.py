"""Ratio benchmarks: each path is timed alternately with its floor, in the same run."""
