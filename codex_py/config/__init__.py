"""Configuration: layered loading with provenance (``loader``), the type-driven ``schema``, the
frozen ``settings``, cross-key ``checks``, and ``show`` for ``codex config show``."""

from codex_py.config.loader import LoadedConfig, codex_home, load

__all__ = ["LoadedConfig", "codex_home", "load"]
