"""Test support shipped with the package: the scripted-reply format (``replies``) and a local
fake server speaking the OpenAI and Anthropic wire protocols (``fake_api``).

Import the submodules directly; this package imports nothing on its own.
"""
