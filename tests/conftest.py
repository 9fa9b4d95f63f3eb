"""Fixtures for every test; the database server ones are in tests/integration/conftest.py."""

from __future__ import annotations

RNG_SEED = 42
"""The seed of every random choice a test makes."""
