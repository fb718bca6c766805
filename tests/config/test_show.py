"""``config.show``: every effective key with its origin; secrets masked by value (the caller's
``redact``) and in URLs; API key variables listed set or not."""

from __future__ import annotations

from pathlib import Path

from codex_py import config
from codex_py.config.show import hide_url_credentials, mask, show


def loaded(tmp_path: Path, overrides: list[str]) -> config.LoadedConfig:
    return config.load(tmp_path, overrides=overrides, env={"CODEX_HOME": str(tmp_path)})


def test_show_lists_sources_and_masks_secrets(tmp_path: Path) -> None:
    secret = "sk-live-abcdefghijklmnop1234"
    overrides = ["limits.max_turns=7", f"agent.instructions=key {secret}"]
    text = show(
        loaded(tmp_path, overrides),
        lambda value: value.replace(secret, "[redacted]"),
        {"OPENAI_API_KEY": secret},
    )
    assert "= 7  # -c limits.max_turns" in text
    assert "agent.instructions" in text and '"key [redacted]"' in text
    assert secret not in text
    assert "OPENAI_API_KEY (openai): set (sk-…1234)" in text
    assert "ANTHROPIC_API_KEY (anthropic): not set" in text


def test_names_that_merely_sound_secret_are_shown(tmp_path: Path) -> None:
    text = show(loaded(tmp_path, []), lambda value: value, {})
    assert "providers.endpoints.openai.max_output_tokens = 8192" in " ".join(text.split())
    assert 'api_key_env = "OPENAI_API_KEY"' in " ".join(text.split())


def test_url_credentials_are_hidden() -> None:
    assert hide_url_credentials('"https://me:pw@host/v1"') == '"https://****@host/v1"'
    assert hide_url_credentials("http://token@host") == "http://****@host"
    assert hide_url_credentials("https://host/v1?x=a@b") == "https://host/v1?x=a@b"
    assert hide_url_credentials("mail me@example.com") == "mail me@example.com"


def test_mask_keeps_just_enough_to_recognise() -> None:
    assert mask("short") == "****"
    assert mask("sk-ant-0123456789") == "sk-…6789"
