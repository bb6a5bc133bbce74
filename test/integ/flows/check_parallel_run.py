"""Reads the latest ParallelCheckFlow run back through the Metaflow client and checks both sides of the exchange."""

from metaflow import Flow, namespace

namespace(None)
run = Flow("ParallelCheckFlow").latest_run
assert run.successful, "run %s did not succeed" % run.pathspec
tasks = list(run["exchange"])
assert len(tasks) == 2, "expected one task per node, got %d" % len(tasks)
by_node = {task.data.node_index: task.data.received for task in tasks}
assert by_node == {0: [1], 1: "main-node"}, by_node
assert run["join"].task.data.exchanges == by_node
print("read back", run.pathspec, by_node)
