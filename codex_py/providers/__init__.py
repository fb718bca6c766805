"""Model providers: the registry, the SDK adapters, and the composites that wrap every endpoint
(retry, fallback, metering). ``wire/`` holds the pure translations to and from each API."""
