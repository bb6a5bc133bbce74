"""Reads the latest PlatformCheckFlow run back through the Metaflow client and checks its artifacts."""

from metaflow import Flow, namespace

namespace(None)
run = Flow("PlatformCheckFlow").latest_run
assert run.successful, "run %s did not succeed" % run.pathspec
assert sorted(step.id for step in run) == ["end", "join", "square", "start"], [step.id for step in run]
assert len(list(run["square"])) == 3, "expected three foreach tasks"
assert run["join"].task.data.results == {"a": 97**2, "b": 98**2, "c": 99**2}
print("read back", run.pathspec)
