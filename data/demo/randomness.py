"""Seeded randomness: one independent stream per named step, and stateless hashing.

Each step draws from its own generator derived from (seed, step name), so changing one
step never shifts the draws of another. `hash_uniform` gives the same number for the same
key in any vintage, which keeps a household's traits stable between two surveys.
"""

from __future__ import annotations

import zlib

import numpy as np

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator of one generation step."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def hash_uniform(keys: np.ndarray, salt: int) -> np.ndarray:
    """Uniform numbers in [0, 1) that depend only on (key, salt): splitmix64 finaliser."""
    with np.errstate(over="ignore"):
        z = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(salt)
        z &= _MASK64
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One category index per row of a (n, k) probability matrix."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(probs))[:, None]
    return np.minimum((draws > cum).sum(axis=1), probs.shape[1] - 1)
