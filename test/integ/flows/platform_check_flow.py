"""The flow the integration tests run on a deployed platform, and CI runs locally.

start -> foreach over three items -> join -> end, storing an artifact at each stage, so a run
exercises the datastore (artifacts), the metadata service (run, steps, tasks) and a fan-out.
"""

from metaflow import FlowSpec, step


class PlatformCheckFlow(FlowSpec):
    @step
    def start(self):
        self.items = ["a", "b", "c"]
        self.next(self.square, foreach="items")

    @step
    def square(self):
        self.result = (self.input, ord(self.input) ** 2)
        self.next(self.join)

    @step
    def join(self, inputs):
        self.results = dict(i.result for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        expected = {"a": 97**2, "b": 98**2, "c": 99**2}
        assert self.results == expected, self.results
        print("PlatformCheckFlow results:", self.results)


if __name__ == "__main__":
    PlatformCheckFlow()
