"""Pure translations between our one message shape and each API's wire format (no SDK)."""
