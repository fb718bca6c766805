"""``codex eval``: run routing configs on a suite of tasks and compare solve rate, time and cost.

``suite`` loads and checks the task folders; ``plan`` checks the configs and pairs them with the
tasks; ``run`` does one (config, task, repeat) through the real ``codex exec`` and the task's
check (``process`` runs each command in its own process group, ``records`` turns the events into
a result line); ``schedule`` runs many at once; ``summary`` and ``stats`` add them up; ``report``
and ``svg`` write the HTML page (``formatting`` is shared with the terminal table in
``codex_py.ui.eval_view``); ``command`` ties them together for the CLI.
"""
