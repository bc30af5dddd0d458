"""Helpers that read infra/ for the contract tests and for the local stack (no pytest needed)."""
