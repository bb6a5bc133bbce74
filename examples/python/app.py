"""A Metaflow platform defined in Python: struct classes for every option, typed choices for modes.

Run it with `cdk synth --app "python app.py"` (or `python app.py` with CDK_OUTDIR set).
"""

import aws_cdk as cdk
from aws_cdk import aws_logs as logs

import cdk_metaflow_platform as mf


class MetaflowStack(cdk.Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.platform = mf.MetaflowPlatform(
            self,
            "Metaflow",
            batch=mf.MetaflowBatchOptions(
                compute_environments=[
                    mf.MetaflowComputeEnvironmentOptions(name="cpu", max_vcpus=96),
                    mf.MetaflowComputeEnvironmentOptions(name="spot", kind=mf.ComputeEnvironmentKind.EC2_SPOT, max_vcpus=256),
                ],
                job_queues=[mf.MetaflowJobQueueOptions(name="spot-with-fallback", compute_environments=["spot", "cpu"])],
            ),
            ui=mf.MetaflowUiOptions(internet_facing=False, login=mf.UiLogin.none(), allowed_cidrs=["10.0.0.0/8"]),
            step_functions=mf.StepFunctionsIntegration.enabled(state_machine_prefix="research"),
            tags={"cost-center": "ml-platform"},
            log_retention=logs.RetentionDays.THREE_MONTHS,
        )


app = cdk.App()
MetaflowStack(app, "MetaflowPython")
app.synth()
