"""Experiment configurations (`configs/*.yaml`): what a run computes and with which seeds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A configuration file is missing a field or holds an unusable value."""


@dataclass(frozen=True)
class BootstrapConfig:
    """How the bootstrap intervals are drawn: one interval per seed."""

    seeds: tuple[int, ...]
    resamples: int
    confidence: float


@dataclass(frozen=True)
class Config:
    """A named run configuration, e.g. `smoke` or `full`."""

    name: str
    bootstrap: BootstrapConfig


def _integer(value: Any, where: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where} must be an integer >= {minimum}, got {value!r}")
    return value


def parse_config(document: Any, where: str = "config") -> Config:
    """Validate a parsed YAML document and turn it into a `Config`."""
    if not isinstance(document, dict):
        raise ConfigError(f"{where}: expected a mapping with 'name' and 'bootstrap'")
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: 'name' must be a non-empty string")
    section = document.get("bootstrap")
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: 'bootstrap' must be a mapping")
    seeds = section.get("seeds")
    if not isinstance(seeds, list) or not seeds:
        raise ConfigError(f"{where}: 'bootstrap.seeds' must be a non-empty list")
    checked_seeds = tuple(_integer(seed, f"{where}: seed", minimum=0) for seed in seeds)
    if len(set(checked_seeds)) != len(checked_seeds):
        raise ConfigError(f"{where}: 'bootstrap.seeds' repeats a seed")
    confidence = section.get("confidence")
    if not isinstance(confidence, float) or not 0 < confidence < 1 or math.isnan(confidence):
        raise ConfigError(f"{where}: 'bootstrap.confidence' must be a number in (0, 1)")
    return Config(
        name=name.strip(),
        bootstrap=BootstrapConfig(
            seeds=checked_seeds,
            resamples=_integer(
                section.get("resamples"), f"{where}: 'bootstrap.resamples'", minimum=1
            ),
            confidence=confidence,
        ),
    )


def load_config(path: Path) -> Config:
    """Read and validate a configuration file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from error
    return parse_config(document, str(path))
