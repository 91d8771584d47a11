"""Benchmarks at practice scale: `make bench` (or `python -m bench --size full|tiny`)."""
