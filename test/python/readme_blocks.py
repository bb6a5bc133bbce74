"""Runs Python blocks of the PyPI README, each in a new app with the feature flags `cdk init` writes, and synthesizes it.

Usage: python readme_blocks.py <blocks.json> <repository root>, from the folder that plays the user's app folder.
Prints a JSON object: block index -> "" when the block synthesized without a warning, else what went wrong.
"""

import json
import subprocess
import sys
import traceback

import aws_cdk
import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager

import cdk_metaflow_platform as mf

FIXTURE_MODULES = [
    ("ec2", "ec2"), ("ecs", "ecs"), ("ecr", "ecr"), ("iam", "iam"), ("kms", "kms"), ("logs", "logs"), ("rds", "rds"),
    ("route53", "route53"), ("s3", "s3"), ("sns", "sns"), ("acm", "certificatemanager"), ("secretsmanager", "secretsmanager"),
]


def recommended_flags(root):
    """aws-cdk-lib's CURRENTLY_RECOMMENDED_FLAGS (what `cdk init` writes to cdk.json), which Python does not expose."""
    script = "process.stdout.write(JSON.stringify(require('aws-cdk-lib/cx-api').CURRENTLY_RECOMMENDED_FLAGS))"
    return json.loads(subprocess.run(["node", "-e", script], cwd=root, check=True, capture_output=True, text=True).stdout)


def given_values(app, stack):
    """What the README's snippets take as given (rosetta/default.ts-fixture), as real constructs."""
    vpc = ec2.Vpc(stack, "GivenVpc", nat_gateways=1)
    return {
        "app": app,
        "stack": stack,
        "self": stack,
        "vpc": vpc,
        "existing_bucket": s3.Bucket.from_bucket_name(stack, "GivenBucket", "my-existing-bucket"),
        "certificate": acm.Certificate.from_certificate_arn(
            stack, "GivenCertificate", "arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-aaaa-bbbb-cccc-0123456789ab"
        ),
        "database_secret": secretsmanager.Secret.from_secret_name_v2(stack, "GivenSecret", "metaflow-database"),
        "database_instance": rds.DatabaseInstance(
            stack,
            "GivenDatabase",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_17),
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ),
        "shared_stack": cdk.Stack(app, "SharedStack"),
        "team_stack": cdk.Stack(app, "TeamStack"),
    }


def run_block(block, flags, index):
    app = cdk.App(context=flags, outdir=f"cdk.out/{index}")
    stack = cdk.Stack(app, "MetaflowStack")
    # The names rosetta's translations use without importing them: the library's, and aws-cdk-lib's modules as the fixture names them.
    scope = {name: getattr(mf, name) for name in dir(mf) if not name.startswith("_")}
    scope.update({alias: getattr(aws_cdk, "aws_" + module) for alias, module in FIXTURE_MODULES})
    scope.update({name: getattr(aws_cdk, name) for name in ("App", "Duration", "RemovalPolicy", "Size", "Stack")})
    scope.update(given_values(app, stack))
    exec(compile(block, "README.md", "exec"), scope)
    if "class MetaflowStack" in block:
        scope["MetaflowStack"](app, "QuickStart")  # what cdk init's app.py does with the stack class
    messages = [m for s in app.synth().stacks for m in s.messages if m.level.value != "info"]
    return "; ".join(f"{m.level.value} at {m.id}: {m.entry.data}" for m in messages)


def main():
    blocks = json.load(open(sys.argv[1]))
    flags = recommended_flags(sys.argv[2])
    results = {}
    for index, block in enumerate(blocks):
        try:
            results[index] = run_block(block, flags, index)
        except Exception:  # noqa: BLE001 - every failure is reported with its block
            results[index] = traceback.format_exc(limit=2)[-1500:]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
