"""Config layering, provenance and every kind of bad config."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex_py import config
from codex_py.errors import ConfigError
from codex_py.providers import registry as providers


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    (path / ".git").mkdir(parents=True)
    (path / "src" / "pkg").mkdir(parents=True)
    return path


def load(cwd: Path, home: Path, **kwargs: object) -> config.LoadedConfig:
    env = {"CODEX_HOME": str(home), **kwargs.pop("env", {})}  # type: ignore[dict-item]
    return config.load(cwd, env=env, **kwargs)  # type: ignore[arg-type]


def test_defaults_route_planning_to_anthropic_and_tools_to_openai(repo: Path, home: Path) -> None:
    loaded = load(repo, home)
    routing = loaded.settings.providers.routing
    assert routing["planning"] == "anthropic"
    assert routing["tool_use"] == "openai"
    assert loaded.sources["providers", "routing", "planning"].startswith("default.yaml:")


def test_layers_apply_in_order_and_remember_their_source(repo: Path, home: Path) -> None:
    (home / "config.yaml").write_text(
        "limits:\n  max_turns: 10\nagent:\n  project_doc_max_bytes: 5\n"
    )
    (repo / ".codex").mkdir()
    project = repo / ".codex" / "config.yaml"
    project.write_text("limits:\n  max_turns: 20\n")
    extra = repo / "extra.yaml"
    extra.write_text("providers:\n  default: anthropic\n")
    loaded = load(
        repo / "src" / "pkg",
        home,
        config_file=extra,
        env={"CODEX_ROUTING_TOOL_USE": "anthropic", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"},
        flags={("limits", "max_cost"): (1.5, "--max-cost")},
        overrides=["shell.default_timeout_ms=500"],
    )
    s = loaded.settings
    assert s.limits.max_turns == 20
    assert loaded.sources["limits", "max_turns"] == f"{project}:2"
    assert s.agent.project_doc_max_bytes == 5
    assert loaded.sources["agent", "project_doc_max_bytes"] == f"{home / 'config.yaml'}:4"
    assert s.providers.default == "anthropic"
    assert s.providers.routing["tool_use"] == "anthropic"
    assert loaded.sources["providers", "routing", "tool_use"] == "env CODEX_ROUTING_TOOL_USE"
    assert s.providers.endpoints["openai"].base_url == "http://127.0.0.1:9/v1"
    assert s.limits.max_cost == 1.5
    assert loaded.sources["limits", "max_cost"] == "flag --max-cost"
    assert s.shell.default_timeout_ms == 500
    assert loaded.sources["shell", "default_timeout_ms"] == "-c shell.default_timeout_ms"


def test_project_config_is_not_searched_above_the_git_root(tmp_path: Path, home: Path) -> None:
    (tmp_path / ".codex").mkdir()
    (tmp_path / ".codex" / "config.yaml").write_text("limits: {max_turns: 3}\n")
    inner = tmp_path / "inner"
    (inner / ".git").mkdir(parents=True)
    assert load(inner, home).settings.limits.max_turns == 50


def test_env_provider_and_model_override(repo: Path, home: Path) -> None:
    loaded = load(repo, home, env={"CODEX_PROVIDER": "anthropic", "CODEX_MODEL": "m1"})
    assert loaded.settings.providers.force == "anthropic"
    assert loaded.settings.providers.model == "m1"


def test_sandbox_none_shorthand(repo: Path, home: Path) -> None:
    loaded = load(repo, home, overrides=["sandbox=none"])
    assert loaded.settings.sandbox.mode == "none"


def test_user_endpoints_and_rules_build_typed_settings(repo: Path, home: Path) -> None:
    extra = repo / "c.yaml"
    extra.write_text(
        "providers:\n"
        "  endpoints:\n"
        "    local: {kind: openai, base_url: 'http://127.0.0.1:11434/v1', wire_api: chat}\n"
        "  models:\n"
        "    local: {default: qwen}\n"
        "  routing: {tool_use: local}\n"
        "rules:\n"
        "  - {prefix: [git, push], decision: deny, reason: no pushing}\n"
    )
    s = load(repo, home, config_file=extra).settings
    assert s.providers.endpoints["local"].wire_api == "chat"
    assert s.providers.endpoints["local"].api_key_env is None
    assert s.rules[0].prefix == ("git", "push")
    assert s.rules[0].decision == "deny"


BAD_CONFIGS = [
    ("limits:\n  max_turns: [1\n", r"c\.yaml:\d+: YAML syntax error"),
    ("limits:\n  max_tunrs: 3\n", r"c\.yaml:2: limits\.max_tunrs unknown key"),
    ("limits:\n  max_turns: ten\n", r"c\.yaml:2: limits\.max_turns must be a whole number"),
    ("agent:\n  approval_mode: yolo\n", r"c\.yaml:2: agent\.approval_mode must be one of"),
    ("providers:\n  routing:\n    planning: nobody\n", r"c\.yaml:3: .*unknown provider 'nobody'"),
    ("providers:\n  routing:\n    dreaming: openai\n", r"c\.yaml:3: .*is not an intent"),
    ("providers:\n  models:\n    openai: {fast_model: x}\n", r"c\.yaml:3: .*unknown key"),
    (
        "ensembles:\n  s: {models: [openai]}\n",
        r"c\.yaml:2: ensembles\.s\.models\.0 .*provider:model",
    ),
    (
        "rules:\n  - {prefix: [], decision: deny}\n",
        r"c\.yaml:2: rules\.0\.prefix must not be empty",
    ),
    ("- just\n- a list\n", r"c\.yaml:1: the config must be a mapping"),
    ("shell: 5\n", r"c\.yaml:1: shell must be a mapping"),
]


@pytest.mark.parametrize(("text", "pattern"), BAD_CONFIGS)
def test_bad_config_names_file_line_and_key(
    repo: Path, home: Path, text: str, pattern: str
) -> None:
    bad = repo / "c.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError, match=pattern) as caught:
        load(repo, home, config_file=bad)
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message


def test_bad_env_override_names_the_variable(repo: Path, home: Path) -> None:
    with pytest.raises(ConfigError, match=r"env CODEX_ROUTING_PLANNING: .*unknown provider"):
        load(repo, home, env={"CODEX_ROUTING_PLANNING": "nope"})


def test_bad_override_names_the_flag(repo: Path, home: Path) -> None:
    with pytest.raises(ConfigError, match=r"-c limits\.max_turns: limits\.max_turns must be"):
        load(repo, home, overrides=["limits.max_turns=many"])
    with pytest.raises(ConfigError, match=r"expected dotted\.key=value"):
        load(repo, home, overrides=["limits.max_turns"])


def test_missing_config_file(repo: Path, home: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load(repo, home, config_file=repo / "absent.yaml")


def test_missing_api_key_names_the_variable(repo: Path, home: Path) -> None:
    settings = load(repo, home).settings
    with pytest.raises(ConfigError, match="OPENAI_API_KEY is not set") as caught:
        providers.api_key("openai", settings.providers.endpoints["openai"], {})
    assert caught.value.exit_code == 2
    assert providers.api_key(
        "openai", settings.providers.endpoints["openai"], {"OPENAI_API_KEY": "k"}
    )


def test_provider_ensemble_means_the_default_or_only_ensemble(repo: Path, home: Path) -> None:
    only = ["ensembles.quality.models=[openai:a, anthropic:b]", "providers.force=ensemble"]
    assert load(repo, home, overrides=only).settings.providers.force == "quality"
    two = [*only, "ensembles.default.models=[openai:a]"]
    assert load(repo, home, overrides=two).settings.providers.force == "default"
    with pytest.raises(ConfigError, match="define an ensemble under"):
        load(repo, home, overrides=["providers.force=ensemble"])


def test_presets_default_their_wire_api(repo: Path, home: Path) -> None:
    endpoints = load(repo, home).settings.providers.endpoints
    assert endpoints["openai"].wire_api == "responses"
    assert endpoints["ollama"].wire_api == "chat"
    assert endpoints["ollama"].api_key_env is None
    assert endpoints["azure"].wire_api == "responses"
    for name in ("openrouter", "groq", "deepseek", "mistral", "xai", "gemini"):
        assert endpoints[name].base_url and endpoints[name].api_key_env


def test_a_preset_without_base_url_is_a_clear_error(repo: Path, home: Path) -> None:
    settings = load(repo, home).settings
    with pytest.raises(ConfigError, match="'azure' has no base_url"):
        providers.build(settings, "azure", {"AZURE_OPENAI_API_KEY": "k"}, repo)


def test_an_empty_mapping_filled_by_a_later_layer_is_not_a_value_of_its_own(
    repo: Path, home: Path
) -> None:
    sources = load(repo, home).sources  # default.yaml says `pricing: {}`; pricing.yaml fills it
    assert ("pricing",) not in sources
    assert sources["pricing", "gpt-5.1", "input"].startswith("pricing.yaml:")
    assert sources["notify",].startswith("default.yaml:")  # an empty list stays a value
