"""Approval policy: ``decide(action)`` says allow, ask or deny, purely. ``known_safe`` and
``dangerous`` classify commands, ``rules`` match the user's rules, and ``shell/`` is the only code
that reads shell syntax."""
