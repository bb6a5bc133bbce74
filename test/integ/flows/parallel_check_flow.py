"""The @parallel flow the integration tests run on a multi-node queue, and CI runs locally.

start -> exchange on two nodes (@parallel) -> join -> end. In `exchange`, node 0 listens on the
main node's address (`current.parallel.main_ip`: 127.0.0.1 locally, the main node's private IP
on AWS Batch) and every other node connects to it over TCP, the way torch.distributed's
rendezvous reaches the main node, so a run proves that workers reach the main node on a port of
its choosing. Each node stores what it received; the join checks both sides of the exchange.
"""

import os
import socket
import time

from metaflow import FlowSpec, current, parallel, step

NODES = 2
PORT = int(os.environ.get("PARALLEL_CHECK_PORT", "29500"))
TIMEOUT_SECONDS = int(os.environ.get("PARALLEL_CHECK_TIMEOUT", "300"))


def serve_main_node(workers):
    """Accepts one connection per worker, reads its index and answers with the main node's token."""
    received = []
    with socket.create_server(("0.0.0.0", PORT)) as server:
        server.settimeout(TIMEOUT_SECONDS)
        for _ in range(workers):
            connection, _address = server.accept()
            with connection:
                received.append(int(connection.makefile().readline()))
                connection.sendall(b"main-node\n")
    return sorted(received)


def call_main_node(main_ip, node_index):
    """Connects to the main node (which may start later), sends this node's index, returns the answer."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while True:
        try:
            with socket.create_connection((main_ip, PORT), timeout=10) as connection:
                connection.sendall(b"%d\n" % node_index)
                return connection.makefile().readline().strip()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


class ParallelCheckFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.exchange, num_parallel=NODES)

    @parallel
    @step
    def exchange(self):
        self.node_index = current.parallel.node_index
        self.num_nodes = current.parallel.num_nodes
        if self.node_index == 0:
            self.received = serve_main_node(self.num_nodes - 1)
        else:
            self.received = call_main_node(current.parallel.main_ip, self.node_index)
        self.next(self.join)

    @step
    def join(self, inputs):
        self.exchanges = {i.node_index: i.received for i in inputs}
        self.next(self.end)

    @step
    def end(self):
        expected = {0: list(range(1, NODES)), **{index: "main-node" for index in range(1, NODES)}}
        assert self.exchanges == expected, self.exchanges
        print("ParallelCheckFlow exchanges:", self.exchanges)


if __name__ == "__main__":
    ParallelCheckFlow()
