"""Spiders: the generic news spider and the loader that makes one per site file."""
