"""Near-duplicate fingerprints: MinHash signatures over word shingles, and their LSH band keys.

Pure computation (no SQL): the store keeps the signature of every article and
indexes its band keys, so finding the syndicated copies of a story is one
indexed lookup per band, whatever the size of the table.

* Shingles are runs of `SHINGLE_WORDS` consecutive case-folded words,
  split at ASCII whitespace (the clean pipeline has turned every other space
  into one), as in Broder's w-shingling: re-wrapped or re-capitalised copies
  shingle alike, while a changed word touches only the shingles that hold it.
  Punctuation stays on its word: splitting on whitespace costs a fifth of a
  word regex, and a changed comma is one more small edit, which
  near-duplicate matching tolerates by design (the exact content hash
  ignores punctuation).
* The signature holds, for each of `PERMUTATIONS` universal hash functions
  (multiply-shift), the smallest hash of any shingle. The fraction of equal
  positions in two signatures estimates the Jaccard similarity of their
  shingle sets (standard error 0.066 at a similarity of 0.7 with 48 permutations).
* Banding (LSH): the first `BANDS * ROWS` values of the signature are cut
  into `BANDS` bands of `ROWS` values and each band hashed to one 63-bit key.
  Two texts with Jaccard similarity s share at least one key with probability
  1 - (1 - s**4)**10: 0.995 at s = 0.8, 0.94 at 0.7, 0.47 at 0.5, 0.08 at
  0.3; candidates sharing a key are then confirmed against the stored
  signature (all 48 values) and the threshold setting. Ten bands, not
  sixteen: each band is one indexed row per article, the costliest write of
  a new article, and a copy with a dateline, a credit line and a changed
  word (`tests.fixtures.syndication`) scores 0.87 to 0.94, where ten bands
  miss at most 2 in 10,000.

Changing any constant here changes every stored signature: it needs a
migration that recomputes them (they are deterministic, seeded, and
independent of the Python process).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SHINGLE_WORDS = 5
PERMUTATIONS = 48
ROWS = 4
BANDS = 10

_U64 = np.uint64
# Fixed seed: signatures stored by one process must match those of every other.
_RNG = np.random.default_rng(0x5EED_2024)
_A = _RNG.integers(1, 2**63, size=PERMUTATIONS, dtype=_U64) | _U64(1)
_B = _RNG.integers(0, 2**63, size=PERMUTATIONS, dtype=_U64)
# Odd 64-bit constants (golden ratio, Murmur3/xxHash finalisers) to mix word hashes.
_MIX = tuple(
    _U64(c)
    for c in (
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0xD6E8FEB86659FD93,
        0xFF51AFD7ED558CCD,
    )
)
_SHIFT_31 = _U64(31)
_SHIFT_32 = _U64(32)
_ROW_MIX = np.array(_MIX[:ROWS], dtype=_U64)
# Each band's number, spread over 64 bits, so equal values in two bands give two keys.
_BAND_SALT = np.arange(1, BANDS + 1, dtype=_U64) * _MIX[-1]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """An article body's MinHash signature and the band keys that index it."""

    signature: bytes
    """`PERMUTATIONS` little-endian uint32 minima (4 bytes each)."""
    band_keys: tuple[int, ...]
    """`BANDS` non-negative 63-bit keys, one per band (band number mixed in)."""


def _shingle_hashes(text: str) -> npt.NDArray[np.uint64]:
    """One 32-bit hash per run of `SHINGLE_WORDS` words (one for a shorter text)."""
    words = text.casefold().encode("utf-8").split()
    hashes = np.fromiter(map(zlib.crc32, words), dtype=_U64, count=len(words))
    if len(hashes) < SHINGLE_WORDS:
        hashes = np.concatenate([hashes, np.zeros(SHINGLE_WORDS - len(hashes), dtype=_U64)])
    count = len(hashes) - SHINGLE_WORDS + 1
    combined = hashes[:count] * _MIX[0]
    for offset in range(1, SHINGLE_WORDS):
        combined ^= hashes[offset : offset + count] * _MIX[offset]
    combined ^= combined >> _SHIFT_31
    combined *= _MIX[-1]
    combined >>= _SHIFT_32
    return combined


def signature_of(text: str) -> bytes:
    """The MinHash signature of `text`'s word shingles."""
    shingles = _shingle_hashes(text)
    # Multiply-shift hashing: (a*x + b) mod 2**64, top 32 bits. Array arithmetic wraps
    # around silently, and the wrap-around is the modulus.
    hashed = np.multiply.outer(_A, shingles)
    hashed += _B[:, None]
    hashed >>= _SHIFT_32
    minima: npt.NDArray[np.uint32] = hashed.min(axis=1).astype("<u4")
    return minima.tobytes()


def band_keys(signature: bytes) -> tuple[int, ...]:
    """One non-negative 63-bit key per band (fits BIGINT): a hash of its number and values."""
    rows = np.frombuffer(signature, dtype="<u4", count=BANDS * ROWS).reshape(BANDS, ROWS)
    mixed = rows.astype(_U64) * _ROW_MIX  # one odd constant per position in the band
    keys = np.bitwise_xor.reduce(mixed, axis=1) ^ _BAND_SALT
    keys ^= keys >> _SHIFT_31
    keys *= _MIX[-1]
    keys ^= keys >> _SHIFT_32
    keys >>= _U64(1)
    return tuple(int(key) for key in keys)


def fingerprint(text: str) -> Fingerprint:
    """Signature and band keys of `text`."""
    signature = signature_of(text)
    return Fingerprint(signature, band_keys(signature))


def similarity(first: bytes, second: bytes) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets (0.0 to 1.0)."""
    a = np.frombuffer(first, dtype="<u4")
    b = np.frombuffer(second, dtype="<u4")
    if a.shape != b.shape or not len(a):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)
