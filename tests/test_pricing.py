"""Cost arithmetic, the shipped price table, run totals and the budget stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_py import config
from codex_py.config.settings import Price
from codex_py.errors import BudgetExceeded
from codex_py.events import ListSink, RouteEvent, UsageEvent, WarningEvent
from codex_py.pricing import CostTracker, UsageTotals, cost_of, price_for
from codex_py.providers.wire.messages import messages_usage
from codex_py.providers.wire.openai import chat_usage, responses_usage
from codex_py.types import Usage

GPT = Price(input=1.25, output=10.0, cache_read=0.125, cache_write=1.25)
SONNET = Price(input=3.0, output=15.0, cache_read=0.30, cache_write=3.75)
PLAIN = Price(input=2.0, output=8.0)
PRICES = {"gpt-5.1": GPT, "claude-sonnet-4-5": SONNET}

COSTS = [
    ("input only", Usage(input_tokens=1_000_000), GPT, 1.25),
    ("output only", Usage(output_tokens=1_000_000), GPT, 10.0),
    ("nothing", Usage(), GPT, 0.0),
    (
        "cache reads are part of the input, billed at cache_read",
        Usage(input_tokens=1_000_000, cache_read_tokens=400_000, output_tokens=100_000),
        GPT,
        0.6 * 1.25 + 0.4 * 0.125 + 0.1 * 10.0,
    ),
    (
        "cache reads and writes on Anthropic rates",
        Usage(
            input_tokens=10_000,
            cache_read_tokens=2_000,
            cache_write_tokens=3_000,
            output_tokens=1_000,
        ),
        SONNET,
        (5_000 * 3.0 + 2_000 * 0.30 + 3_000 * 3.75 + 1_000 * 15.0) / 1e6,
    ),
    (
        "no cache rates: cached tokens billed as input",
        Usage(input_tokens=1_000, cache_read_tokens=500, cache_write_tokens=200, output_tokens=10),
        PLAIN,
        (1_000 * 2.0 + 10 * 8.0) / 1e6,
    ),
    (
        "reasoning tokens are inside output, not billed twice",
        Usage(input_tokens=100, output_tokens=1_000, reasoning_tokens=800),
        GPT,
        (100 * 1.25 + 1_000 * 10.0) / 1e6,
    ),
    (
        "inconsistent counts never bill negative input",
        Usage(input_tokens=10, cache_read_tokens=50),
        GPT,
        50 * 0.125 / 1e6,
    ),
]


@pytest.mark.parametrize(("name", "usage", "price", "dollars"), COSTS, ids=[c[0] for c in COSTS])
def test_cost_of(name: str, usage: Usage, price: Price, dollars: float) -> None:
    assert cost_of(usage, price) == pytest.approx(dollars, rel=1e-12, abs=1e-15)


# One call with 1000 fresh prompt tokens, 4000 read from the cache, 500 written to it and 200
# output tokens, as each API reports it. Normalised, every report costs the same.
ANTHROPIC_REPORT = {
    "input_tokens": 1_000,
    "cache_read_input_tokens": 4_000,
    "cache_creation_input_tokens": 500,
    "output_tokens": 200,
}
RESPONSES_REPORT = {
    "input_tokens": 5_500,
    "input_tokens_details": {"cached_tokens": 4_000, "cache_write_tokens": 500},
    "output_tokens": 200,
    "output_tokens_details": {"reasoning_tokens": 50},
}
CHAT_REPORT = {
    "prompt_tokens": 5_500,
    "prompt_tokens_details": {"cached_tokens": 4_000},
    "completion_tokens": 200,
}


def test_anthropic_input_tokens_exclude_the_cache_and_are_normalised() -> None:
    usage = messages_usage(ANTHROPIC_REPORT)
    assert (usage.input_tokens, usage.cache_read_tokens, usage.cache_write_tokens) == (
        5_500,
        4_000,
        500,
    )
    expected = (1_000 * 3.0 + 4_000 * 0.30 + 500 * 3.75 + 200 * 15.0) / 1e6
    assert cost_of(usage, SONNET) == pytest.approx(expected)


def test_openai_input_tokens_include_the_cache() -> None:
    responses = responses_usage(RESPONSES_REPORT)
    chat = chat_usage(CHAT_REPORT)
    assert (responses.input_tokens, responses.cache_read_tokens) == (5_500, 4_000)
    assert (chat.input_tokens, chat.cache_read_tokens) == (5_500, 4_000)
    assert responses.reasoning_tokens == 50
    # Chat Completions reports no cache writes: those 500 tokens are billed as fresh input.
    fresh = (1_500 * 1.25 + 4_000 * 0.125 + 200 * 10.0) / 1e6
    assert cost_of(chat, GPT) == pytest.approx(fresh)
    assert cost_of(responses, GPT) == pytest.approx(fresh)  # OpenAI's cache_write rate is input


LOOKUPS = [
    ("gpt-5.1", GPT),
    ("claude-sonnet-4-5-20250929", SONNET),
    ("claude-sonnet-4-5-latest", SONNET),
    ("gpt-5.1-2025-11-13", GPT),
    ("anthropic/claude-sonnet-4-5", SONNET),
    ("openrouter/openai/gpt-5.1", GPT),
    ("gpt-5.1-mini", None),
    ("llama3:8b", None),
]


@pytest.mark.parametrize(("model", "price"), LOOKUPS)
def test_price_for(model: str, price: Price | None) -> None:
    assert price_for(model, PRICES) == price


def shipped_prices(tmp_path: Path) -> dict[str, Price]:
    return config.load(tmp_path, env={"CODEX_HOME": str(tmp_path / "home")}).settings.pricing


def test_shipped_table_prices_the_models_we_route_to(tmp_path: Path) -> None:
    prices = shipped_prices(tmp_path)
    wanted = {
        *("gpt-5.1", "gpt-5.1-codex", "gpt-5", "gpt-5-mini", "gpt-5-nano", "o3", "o4-mini"),
        *("gpt-4.1", "gpt-4.1-mini", "gpt-4o", "gpt-4o-mini"),
        *("claude-opus-4-1", "claude-opus-4", "claude-sonnet-4-6", "claude-sonnet-4-5"),
        *("claude-sonnet-4",),
        *("claude-haiku-4-5", "claude-3-5-haiku"),
    }
    assert wanted <= set(prices)
    assert prices.pop("scripted") == Price(0, 0)  # the offline fake provider is free
    for model, price in prices.items():
        assert price.cache_read is not None and price.cache_write is not None, model
        assert 0 < price.cache_read < price.input <= price.cache_write < price.output, model


def test_user_config_overrides_and_adds_prices(tmp_path: Path) -> None:
    override = tmp_path / "prices.yaml"
    override.write_text("pricing:\n  gpt-5.1: {input: 9}\n  my-model: {input: 1, output: 2}\n")
    prices = config.load(
        tmp_path, config_file=override, env={"CODEX_HOME": str(tmp_path / "home")}
    ).settings.pricing
    assert prices["gpt-5.1"].input == 9
    assert prices["gpt-5.1"].output == 10.0  # the fields not given keep the shipped value
    assert prices["my-model"] == Price(input=1, output=2)


def test_unknown_price_warns_once_and_still_counts_tokens() -> None:
    sink = ListSink()
    tracker = CostTracker(PRICES, sink)
    usage = Usage(input_tokens=100, output_tokens=10)
    assert tracker.record("ollama", "llama3:8b", "tool_use", usage) is None
    assert tracker.record("ollama", "llama3:8b", "tool_use", usage) is None
    warnings = sink.of_type("warning")
    assert len(warnings) == 1
    assert isinstance(warnings[0], WarningEvent)
    assert "llama3:8b" in warnings[0].message and "pricing" in warnings[0].message
    summary = tracker.summary()
    assert summary["unpriced_models"] == ["llama3:8b"]
    assert summary["by_model"]["llama3:8b"]["cost_usd"] is None  # unknown, not $0
    assert summary["by_model"]["llama3:8b"]["unpriced_calls"] == 2
    assert summary["total"]["input_tokens"] == 200
    assert summary["total"]["output_tokens"] == 20


def test_totals_by_provider_model_and_intent() -> None:
    tracker = CostTracker(PRICES)
    plan = Usage(input_tokens=1_000_000, output_tokens=100_000)
    tool = Usage(input_tokens=2_000_000, cache_read_tokens=1_000_000, output_tokens=10_000)
    assert tracker.record("anthropic", "claude-sonnet-4-5", "planning", plan) == pytest.approx(4.5)
    assert tracker.record("openai", "gpt-5.1", "tool_use", tool) == pytest.approx(1.475)
    assert tracker.record("openai", "gpt-5.1", "tool_use", tool) == pytest.approx(1.475)
    tracker.record("local", "mystery", None, Usage(input_tokens=7))
    summary = tracker.summary()
    assert summary["total_usd"] == pytest.approx(4.5 + 2 * 1.475)
    assert tracker.total_usd == summary["total_usd"]
    assert summary["by_provider"]["openai"]["cost_usd"] == pytest.approx(2.95)
    assert summary["by_provider"]["openai"]["calls"] == 2
    assert summary["by_provider"]["openai"]["cache_read_tokens"] == 2_000_000
    assert summary["by_provider"]["anthropic"]["cost_usd"] == pytest.approx(4.5)
    assert summary["by_model"]["gpt-5.1"]["input_tokens"] == 4_000_000
    assert summary["by_intent"]["planning"]["cost_usd"] == pytest.approx(4.5)
    assert summary["by_intent"]["tool_use"]["calls"] == 2
    assert summary["by_intent"]["none"]["unpriced_calls"] == 1
    assert summary["total"]["calls"] == 4
    assert summary["total"]["unpriced_calls"] == 1
    assert json.loads(json.dumps(summary)) == summary


def test_budget_stops_once_reached() -> None:
    tracker = CostTracker(PRICES)
    tracker.check_budget(None)
    tracker.check_budget(0.01)  # nothing spent yet
    tracker.record("openai", "gpt-5.1", "tool_use", Usage(input_tokens=4_000))  # $0.005
    tracker.check_budget(0.01)
    tracker.check_budget(None)
    tracker.record("openai", "gpt-5.1", "tool_use", Usage(input_tokens=4_000))  # $0.010
    with pytest.raises(BudgetExceeded) as raised:
        tracker.check_budget(0.01)
    assert "$0.0100" in raised.value.message and "$0.01" in raised.value.message
    assert "max_cost" in raised.value.hint


def test_budget_message_names_models_it_cannot_count() -> None:
    tracker = CostTracker(PRICES)
    tracker.record("local", "mystery", "planning", Usage(input_tokens=10))
    tracker.record("openai", "gpt-5.1", "tool_use", Usage(output_tokens=1_000))
    with pytest.raises(BudgetExceeded, match="not counting mystery"):
        tracker.check_budget(0.005)


def test_the_tracker_and_a_tally_of_its_usage_events_agree() -> None:
    tracker = CostTracker(PRICES)
    calls = [
        ("anthropic", "claude-sonnet-4-5", "planning", Usage(input_tokens=1_000, output_tokens=50)),
        ("openai", "gpt-5.1", "tool_use", Usage(input_tokens=9_000, cache_read_tokens=4_000)),
        ("local", "mystery", None, Usage(input_tokens=7)),
    ]
    events = [tracker.priced_event(*call) for call in calls]
    assert [e.cost_usd is None for e in events] == [False, False, True]
    assert tracker.total.calls == 0  # priced, not counted yet
    for event in events:
        tracker.add(event)

    tally = UsageTotals([RouteEvent("tool_use", "openai", "gpt-5.1", "x"), *events])

    summary = tracker.summary()
    assert {key: summary[key] for key in ("total", "by_provider", "by_model", "by_intent")} == (
        tally.to_dict()
    )
    assert tally.calls == 3 and tally.total.unpriced_calls == 1
    assert tally.cost_usd == pytest.approx(tracker.total_usd)
    assert tally.by_provider_model[("openai", "gpt-5.1")].usage.cache_read_tokens == 4_000
    assert set(tally.by_intent) == {"planning", "tool_use", "none"}


def test_a_tally_of_no_priced_call_has_no_cost() -> None:
    tally = UsageTotals([UsageEvent("local", "mystery", 10, 2)])
    assert (tally.calls, tally.cost_usd, tally.usage.output_tokens) == (1, None, 2)
    assert UsageTotals().to_dict()["total"]["cost_usd"] is None
