"""The public client: OpenAI's Chat Completions interface over any provider or ensemble.

See ``codex_py.client.facade`` for the details.
"""

from codex_py.client.facade import (
    AsyncClient,
    ChatObject,
    SyncClient,
    create_client,
    create_sync_client,
)

__all__ = ["AsyncClient", "ChatObject", "SyncClient", "create_client", "create_sync_client"]
