"""The status line: current intent and provider/model, tokens, cost so far and context used."""

from __future__ import annotations

from rich.text import Text

from codex_py.config.settings import ContextSettings
from codex_py.events import UsageEvent
from codex_py.pricing import UsageTotals
from codex_py.ui.views import format_cost, format_tokens


class StatusLine:
    """Kept up to date from ``route`` and ``usage`` events; ``totals`` is what ``/cost`` shows."""

    def __init__(self, context: ContextSettings | None = None) -> None:
        self.context = context
        self.intent = ""
        self.provider = ""
        self.model = ""
        self.totals = UsageTotals()
        self.context_tokens = 0
        """The size of the last request plus its answer: what the next call starts from."""
        self.context_model = ""

    def on_route(self, intent: str, provider: str, model: str) -> None:
        self.intent, self.provider, self.model = intent, provider, model

    def on_usage(self, event: UsageEvent) -> None:
        self.totals.add(event)
        self.context_tokens = event.input_tokens + event.output_tokens
        self.context_model = event.model

    def context_fraction(self) -> float | None:
        if self.context is None or not self.context_model:
            return None
        window = self.context.windows.get(self.context_model, self.context.default_window)
        return self.context_tokens / window if window else None

    def parts(self) -> list[str]:
        parts = []
        if self.provider:
            where = f"{self.provider}/{self.model}" if self.model else self.provider
            parts.append(f"{self.intent} · {where}" if self.intent else where)
        usage = self.totals.usage
        parts.append(f"{format_tokens(usage.input_tokens + usage.output_tokens)} tokens")
        if self.totals.calls:
            parts.append(format_cost(self.totals.cost_usd))
        fraction = self.context_fraction()
        if fraction is not None:
            parts.append(f"context {fraction:.0%}")
        return parts

    def plain(self) -> str:
        return " · ".join(self.parts())

    def text(self) -> Text:
        return Text(self.plain(), style="dim")
