"""Synthesizes the platform through the Python bindings built from this repository's wheel."""

import aws_cdk as cdk
from aws_cdk import assertions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53

import cdk_metaflow_platform as mf


def _synth(**props):
    app = cdk.App()
    stack = cdk.Stack(app, "PythonPlatform")
    platform = mf.MetaflowPlatform(stack, "Metaflow", **props)
    return stack, platform, assertions.Template.from_stack(stack)


def _output_descriptions(template):
    return [output["Description"] for output in template.find_outputs("*").values()]


def test_default_platform_from_python():
    stack, platform, template = _synth()

    template.resource_count_is("AWS::S3::Bucket", 1)
    template.has_resource("AWS::S3::Bucket", {"DeletionPolicy": "Retain"})
    template.resource_count_is("AWS::Batch::JobQueue", 1)
    template.has_resource_properties(
        "AWS::Batch::ComputeEnvironment",
        {"ComputeResources": assertions.Match.object_like({"MinvCpus": 0})},
    )

    descriptions = _output_descriptions(template)
    for key in ("METAFLOW_DATASTORE_SYSROOT_S3", "METAFLOW_BATCH_JOB_QUEUE", "METAFLOW_SFN_IAM_ROLE"):
        assert any(d.startswith(key + ": ") for d in descriptions), key

    template.resource_count_is("AWS::RDS::DBInstance", 1)
    # No load balancer: Cloud Map inside the VPC, an HTTP API with a key authorizer in front.
    template.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 0)
    template.has_resource_properties("AWS::ApiGatewayV2::Route", {"RouteKey": "$default", "AuthorizationType": "CUSTOM"})
    for key in ("METAFLOW_SERVICE_URL", "METAFLOW_SERVICE_INTERNAL_URL"):
        assert any(d.startswith(key + ": ") for d in descriptions), key

    # Parts and resources are reachable as snake_case attributes.
    assert platform.metadata.database.instance is not None
    assert platform.metadata.service is not None
    assert platform.metadata.internal_url == f"http://metadata.{platform.metadata.cloud_map_namespace.namespace_name}:8080/"
    assert platform.api.http_api is not None
    assert platform.api.keep_alive_function is not None
    assert platform.api.api_key_secret is not None
    assert platform.config.secret_keys == ["METAFLOW_SERVICE_AUTH_KEY"]
    assert platform.batch.job_queue_names == ["cpu"]
    assert platform.datastore.bucket is not None
    assert platform.step_functions is not None
    assert platform.network.compute_subnets_are_public is True
    assert "METAFLOW_DATATOOLS_S3ROOT" in platform.config.values


def test_metadata_database_choices_from_python():
    _, aurora, template = _synth(metadata=mf.MetaflowMetadataServiceOptions(database=mf.MetadataDatabase.aurora_postgres(serverless_v2_max_capacity=4)))
    template.has_resource_properties("AWS::RDS::DBCluster", {"StorageEncrypted": True, "ServerlessV2ScalingConfiguration": {"MinCapacity": 0.5, "MaxCapacity": 4}})
    template.has_resource_properties("AWS::RDS::DBClusterParameterGroup", {"Parameters": {"rds.force_ssl": "1"}})
    assert isinstance(aurora.metadata.database, mf.MetaflowAuroraDatabase)
    assert aurora.metadata.database.cluster is not None
    assert aurora.metadata.release_snapshot is not None

    _, _, restored = _synth(metadata=mf.MetaflowMetadataServiceOptions(database=mf.MetadataDatabase.postgres_instance(snapshot_identifier="metaflow-final-1")))
    restored.has_resource_properties("AWS::RDS::DBInstance", {"DBSnapshotIdentifier": "metaflow-final-1"})

    app = cdk.App()
    stack = cdk.Stack(app, "PythonExisting")
    from aws_cdk import aws_rds as rds
    from aws_cdk import aws_secretsmanager as secretsmanager
    instance = rds.DatabaseInstance.from_database_instance_attributes(
        stack, "Shared", instance_identifier="shared-postgres", instance_endpoint_address="shared-postgres.example.com", port=5432,
        security_groups=[ec2.SecurityGroup.from_security_group_id(stack, "SharedGroup", "sg-0123456789abcdef0")],
    )
    secret = secretsmanager.Secret.from_secret_name_v2(stack, "SharedSecret", "shared-postgres")
    platform = mf.MetaflowPlatform(stack, "Metaflow", metadata=mf.MetaflowMetadataServiceOptions(
        database=mf.MetadataDatabase.existing_instance(instance, secret=secret, snapshot_before_migration=True)))
    existing = assertions.Template.from_stack(stack)
    existing.resource_count_is("AWS::RDS::DBInstance", 0)
    existing.has_resource_properties("Custom::MetaflowReleaseSnapshot", {"Identifier": "shared-postgres", "BeforeFirstMigration": "true"})
    assert platform.metadata.database.endpoint.hostname == "shared-postgres.example.com"

    try:
        _synth(metadata=mf.MetaflowMetadataServiceOptions(database=mf.MetadataDatabase.aurora_postgres(serverless_v2_min_capacity=0)))
        raise AssertionError("a pausing Aurora cluster was accepted")
    except RuntimeError as error:
        assert "metadata.database.serverless_v2_min_capacity" in str(error)


def test_several_queues_from_python():
    _, platform, template = _synth(
        batch=mf.MetaflowBatchOptions(
            compute_environments=[
                mf.MetaflowComputeEnvironmentOptions(name="cpu"),
                mf.MetaflowComputeEnvironmentOptions(name="spot", kind=mf.ComputeEnvironmentKind.EC2_SPOT),
                mf.MetaflowComputeEnvironmentOptions(name="fargate", kind=mf.ComputeEnvironmentKind.FARGATE),
            ],
            default_job_queue="spot",
        ),
        step_functions=mf.StepFunctionsIntegration.enabled(state_machine_prefix="team_ml"),
        network=mf.MetaflowNetworkOptions(nat_gateways=1),
        metadata=mf.MetaflowMetadataServiceOptions(
            cpu=512,
            memory_limit_mib=1024,
            database=mf.MetadataDatabase.postgres_instance(multi_az=True),
        ),
        api=mf.PublicApi.rest_api(allowed_cidrs=["203.0.113.0/24"], cloud_watch_role=False),
    )

    template.resource_count_is("AWS::Batch::JobQueue", 3)
    assert platform.step_functions.state_machine_prefix == "team_ml"
    template.resource_count_is("AWS::EC2::NatGateway", 1)
    assert platform.batch.execution_role is not None
    assert platform.network.compute_subnets_are_public is False
    assert any(d.startswith("METAFLOW_ECS_FARGATE_EXECUTION_ROLE: ") for d in _output_descriptions(template))
    template.has_resource_properties("AWS::RDS::DBInstance", {"MultiAZ": True})
    template.has_resource_properties("AWS::ECS::TaskDefinition", {"Cpu": "512", "Memory": "1024"})
    template.has_resource_properties(
        "AWS::ApiGateway::RestApi", {"Policy": assertions.Match.object_like({"Statement": assertions.Match.any_value()})}
    )
    # The REST API keeps its internal load balancer, which is also the internal URL.
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internal", "Type": "network"})
    assert platform.metadata.cloud_map_service is None
    assert platform.metadata.client_port == 80


def test_distributed_training_queues_from_python():
    _, platform, template = _synth(
        network=mf.MetaflowNetworkOptions(nat_gateways=1),
        batch=mf.MetaflowBatchOptions(
            compute_environments=[
                mf.MetaflowComputeEnvironmentOptions(name="cpu"),
                mf.MetaflowComputeEnvironmentOptions(
                    name="multi-gpu",
                    gpu=True,
                    instance_types=[ec2.InstanceType("p4d.24xlarge")],
                    multi_node=mf.MetaflowMultiNodeOptions(efa_interfaces=4),
                ),
                mf.MetaflowComputeEnvironmentOptions(
                    name="inferentia", accelerator=mf.ComputeAccelerator.AWS_NEURON, instance_classes=[ec2.InstanceClass.INF2]
                ),
            ],
        ),
    )

    multi_gpu = platform.batch.compute_environments[1]
    assert multi_gpu.multi_node is True and multi_gpu.efa_interfaces == 4
    assert multi_gpu.multi_node_security_group is not None and multi_gpu.placement_group is not None
    assert platform.batch.compute_environments[2].accelerator == mf.ComputeAccelerator.AWS_NEURON
    template.resource_count_is("AWS::EC2::PlacementGroup", 1)
    template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {"LaunchTemplateData": assertions.Match.object_like({"NetworkInterfaces": assertions.Match.array_with(
            [assertions.Match.object_like({"NetworkCardIndex": 3, "InterfaceType": "efa"})]
        )})},
    )
    template.has_resource_properties(
        "AWS::Batch::ComputeEnvironment",
        {"ComputeResources": assertions.Match.object_like({"InstanceTypes": ["inf2"], "Ec2Configuration": [
            assertions.Match.object_like({"ImageType": "ECS_AL2023", "ImageIdOverride": assertions.Match.any_value()})
        ]})},
    )
    message = _error_of(
        batch=mf.MetaflowBatchOptions(compute_environments=[mf.MetaflowComputeEnvironmentOptions(
            name="multi", kind=mf.ComputeEnvironmentKind.EC2_SPOT, multi_node=mf.MetaflowMultiNodeOptions(),
        )])
    )
    assert "batch.compute_environments[0].multi_node: is set, but the environment's kind is EC2_SPOT" in message
    assert "batch.compute_environments[0].instance_types: lists 0 instance type(s)" in message


def _error_of(**props):
    """The message of the error MetaflowPlatform raises for `props` (jsii surfaces the JavaScript Error as a RuntimeError)."""
    stack = cdk.Stack(cdk.App(), "Bad")
    try:
        mf.MetaflowPlatform(stack, "Metaflow", **props)
    except Exception as error:
        return str(error)
    raise AssertionError("expected MetaflowPlatform to reject the props")


def test_bad_props_raise_a_clear_error_in_python():
    message = _error_of(
        batch=mf.MetaflowBatchOptions(compute_environments=[mf.MetaflowComputeEnvironmentOptions(name="cpu", min_vcpus=8, max_vcpus=4)])
    )
    assert "batch.compute_environments[0].min_vcpus: (8) is greater than max_vcpus (4)" in message


def test_adopted_vpc_from_python():
    app = cdk.App()
    stack = cdk.Stack(app, "Adopted")
    vpc = ec2.Vpc(stack, "Shared", nat_gateways=1)
    platform = mf.MetaflowPlatform(
        stack, "Metaflow", network=mf.MetaflowNetworkOptions(vpc=vpc), step_functions=mf.StepFunctionsIntegration.disabled()
    )
    template = assertions.Template.from_stack(stack)
    template.resource_count_is("AWS::EC2::VPC", 1)
    template.resource_count_is("AWS::DynamoDB::Table", 0)
    assert platform.step_functions is None
    assert platform.network.vpc is vpc


def _environment_of(template, container_name):
    definitions = template.find_resources("AWS::ECS::TaskDefinition").values()
    containers = [c for d in definitions for c in d["Properties"]["ContainerDefinitions"]]
    container = next(c for c in containers if c["Name"] == container_name)
    return {variable["Name"]: variable["Value"] for variable in container["Environment"]}


def test_hardening_options_from_python():
    _, platform, template = _synth(
        batch=mf.MetaflowBatchOptions(
            compute_environments=[mf.MetaflowComputeEnvironmentOptions(name="cpu", instance_metadata_hop_limit=1)],
        ),
        metadata=mf.MetaflowMetadataServiceOptions(
            database_ssl=mf.DatabaseSsl.verify_full("/etc/ssl/rds/global-bundle.pem"),
        ),
        api=mf.PublicApi.http_api(api_key_generation=2),
    )

    template.has_resource_properties(
        "AWS::EC2::LaunchTemplate",
        {"LaunchTemplateData": assertions.Match.object_like({"MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1}})},
    )
    for container in ("metadata", "migration"):
        environment = _environment_of(template, container)
        assert environment["MF_METADATA_DB_SSL_MODE"] == "verify-full"
        assert environment["MF_METADATA_DB_SSL_ROOT_CERT_PATH"] == "/etc/ssl/rds/global-bundle.pem"
        assert environment["MF_METADATA_DB_SSL_ROOT_CERT"] == "/etc/ssl/rds/global-bundle.pem"
    assert mf.DatabaseSsl.require().mode == mf.DatabaseSslMode.REQUIRE
    # Generation 2 of the API key lives in a new secret; the released generation-1 id is gone.
    secrets = template.find_resources("AWS::SecretsManager::Secret")
    assert not any(logical_id.startswith("MetaflowApiApiKeySecretE668") for logical_id in secrets)
    assert platform.api.api_key_secret is not None


def test_errors_of_several_parts_come_in_one_message_in_python():
    message = _error_of(
        network=mf.MetaflowNetworkOptions(nat_gateways=-1),
        api=mf.PublicApi.http_api(api_key_required=False),
    )
    assert "Invalid MetaflowPlatform props (2 problem(s))" in message
    assert "network.nat_gateways: must be a whole number >= 0" in message
    assert "api.api_key_required: is False and no allowed_cidrs are set" in message


def test_errors_read_as_python_and_name_each_problem_once():
    stack = cdk.Stack(cdk.App(), "Bad")
    try:
        mf.MetaflowPlatform(stack, "Metaflow", ui=mf.MetaflowUiOptions(tls=mf.UiTls.plain_http()))
    except RuntimeError as error:
        message = str(error)
        wrapped = error.__cause__
    else:
        raise AssertionError("expected MetaflowPlatform to reject the props")
    assert "  - ui.tls: is plain HTTP on an internet-facing load balancer. Fix: use UiTls.from_hosted_zone(hosted_zone=..., domain_name=...)" in message
    assert "or set internet_facing=False." in message
    assert "internetFacing" not in message and "fromHostedZone" not in message
    assert message.count("ui.tls:") == 1
    # jsii raises the RuntimeError from a JavaScriptError that prints the Error's stack (jsii/_kernel/providers/process.py):
    # for a Python caller that stack is one line, so the problems print once, without Node.js frames.
    assert type(wrapped).__name__ == "JavaScriptError"
    assert "ui.tls" not in str(wrapped) and " at " not in str(wrapped)
    assert "refused its props" in str(wrapped)


def test_a_cpu_alone_gets_a_memory_that_fits_it():
    _, _, template = _synth(metadata=mf.MetaflowMetadataServiceOptions(cpu=512))
    template.has_resource_properties("AWS::ECS::TaskDefinition", {"Cpu": "512", "Memory": "1024"})


def test_ui_from_python():
    app = cdk.App()
    stack = cdk.Stack(app, "WithUi")
    zone = route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z1", zone_name="example.com")
    platform = mf.MetaflowPlatform(
        stack,
        "Metaflow",
        ui=mf.MetaflowUiOptions(
            tls=mf.UiTls.from_hosted_zone(hosted_zone=zone, domain_name="metaflow.example.com"),
            login=mf.UiLogin.cognito(mfa=cognito.Mfa.REQUIRED),
            cache=mf.MetaflowUiCacheOptions(artifact_workers=2),
        ),
    )
    template = assertions.Template.from_stack(stack)

    template.has_resource_properties("AWS::Cognito::UserPool", {"MfaConfiguration": "ON"})
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {"Protocol": "HTTPS", "DefaultActions": [assertions.Match.object_like({"Type": "authenticate-cognito"}), assertions.Match.any_value()]},
    )
    assert platform.ui.url == "https://metaflow.example.com/"
    assert platform.ui.user_pool is not None
    assert any(d.startswith("METAFLOW_UI_URL: ") for d in _output_descriptions(template))
    assert "tls" in _error_of(ui=mf.MetaflowUiOptions(login=mf.UiLogin.none()))


def test_user_access_from_python():
    app = cdk.App()
    stack = cdk.Stack(app, "Users", env=cdk.Environment(account="111122223333", region="us-east-1"))
    platform = mf.MetaflowPlatform(
        stack, "Metaflow", users=mf.MetaflowUserAccessOptions(role_assumable_by=["444455556666"])
    )
    group = iam.Group(stack, "Scientists")
    platform.grant_client(group)
    template = assertions.Template.from_stack(stack)

    template.has_resource_properties(
        "AWS::IAM::Group", {"ManagedPolicyArns": [assertions.Match.object_like({"Ref": assertions.Match.any_value()})]}
    )
    assert platform.users.role is not None
    actions = [
        action
        for statement in platform.users.policy.document.to_json()["Statement"]
        for action in ([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    ]
    for action in ("batch:SubmitJob", "states:CreateStateMachine", "iam:PassRole"):
        assert action in actions


def test_private_platform_from_python():
    stack, platform, template = _synth(api=mf.PublicApi.disabled())
    template.resource_count_is("AWS::ApiGateway::RestApi", 0)
    assert platform.api is None
    assert platform.config.secret_keys == []


def test_image_repository_from_python():
    _, platform, template = _synth(
        batch=mf.MetaflowBatchOptions(image_repository=mf.MetaflowImageRepositoryOptions(default_image_tag="1.0"))
    )
    template.resource_count_is("AWS::ECR::Repository", 1)
    assert platform.batch.image_repository is not None
    assert any(d.startswith("METAFLOW_BATCH_CONTAINER_IMAGE: ") for d in _output_descriptions(template))


def test_team_platform_on_a_shared_service_from_python():
    app = cdk.App()
    shared_stack = cdk.Stack(app, "Shared")
    team_stack = cdk.Stack(app, "Team")
    shared = mf.MetaflowPlatform(shared_stack, "Metaflow")
    team = mf.MetaflowPlatform(
        team_stack,
        "Metaflow",
        network=mf.MetaflowNetworkOptions(vpc=shared.network.vpc),
        metadata_service=shared.metadata_service,
        step_functions=mf.StepFunctionsIntegration.enabled(state_machine_prefix="vision"),
    )
    assertions.Template.from_stack(shared_stack).resource_count_is("AWS::RDS::DBInstance", 1)
    team_template = assertions.Template.from_stack(team_stack)
    team_template.resource_count_is("AWS::RDS::DBInstance", 0)
    team_template.resource_count_is("AWS::ApiGateway::RestApi", 0)
    assert team.metadata is None
    assert team.config.secret_keys == ["METAFLOW_SERVICE_AUTH_KEY"]


def test_private_example_shape_from_python():
    stack, platform, template = _synth(
        network=mf.MetaflowNetworkOptions(nat_gateways=1),
        api=mf.PublicApi.disabled(),
        notebook=mf.MetaflowNotebookOptions(metaflow_package="metaflow==2.19.7"),
        users=mf.MetaflowUserAccessOptions(role_assumable_by=["111122223333"]),
        batch=mf.MetaflowBatchOptions(image_repository=mf.MetaflowImageRepositoryOptions()),
    )
    template.resource_count_is("AWS::ApiGateway::RestApi", 0)
    template.resource_count_is("AWS::SageMaker::NotebookInstance", 1)
    template.resource_count_is("AWS::ECR::Repository", 1)
    assert platform.notebook.role is not None
    assert platform.users.role is not None


def test_day_two_options_from_python():
    app = cdk.App()
    stack = cdk.Stack(app, "PythonDayTwo")
    boundary = iam.ManagedPolicy.from_managed_policy_arn(stack, "Boundary", "arn:aws:iam::111122223333:policy/Boundary")
    platform = mf.MetaflowPlatform(
        stack,
        "Metaflow",
        tags={"cost-center": "ml"},
        secrets=mf.StepSecrets.aws_secrets_manager(name_prefix="metaflow/ml/"),
        shared_storage=mf.MetaflowSharedStorageOptions(),
        monitoring=mf.MetaflowMonitoringOptions(alarm_emails=["oncall@example.com"]),
        roles=mf.MetaflowRoleOptions(permissions_boundary=boundary, path="/metaflow/"),
        release=mf.MetaflowRelease.V2_5_1,
    )
    template = assertions.Template.from_stack(stack)

    assert platform.config.value_of("METAFLOW_BATCH_DEFAULT_TAGS") == '{"cost-center":"ml"}'
    assert platform.secrets_name_prefix == "metaflow/ml/"
    template.resource_count_is("AWS::EFS::FileSystem", 1)
    assert len(template.find_resources("AWS::CloudWatch::Alarm")) >= 6
    for role in template.find_resources("AWS::IAM::Role").values():
        assert role["Properties"]["Path"] == "/metaflow/"
        assert role["Properties"]["PermissionsBoundary"] == "arn:aws:iam::111122223333:policy/Boundary"


def _max_vcpus(batch):
    stack = cdk.Stack(cdk.App(), "PythonDict")
    mf.MetaflowPlatform(stack, "Metaflow", batch=batch)
    environments = assertions.Template.from_stack(stack).find_resources("AWS::Batch::ComputeEnvironment")
    return [r["Properties"]["ComputeResources"]["MaxvCpus"] for r in environments.values()]


def test_struct_classes_carry_every_option_and_nested_dicts_do_not():
    # What the README's Python section states: jsii turns a dict passed directly for a struct into
    # the struct class, but a dict inside a list goes over the wire as a map (jsii/_kernel/__init__.py
    # _make_reference_for_native), and the jsii kernel keeps only the keys the struct declares when it
    # deserializes the map (@jsii/kernel serialization: the struct deserializer's mapValues drops the
    # others), so the library never sees max_vcpus and cannot refuse it.
    assert _max_vcpus(mf.MetaflowBatchOptions(compute_environments=[mf.MetaflowComputeEnvironmentOptions(name="cpu", max_vcpus=96)])) == [96]
    assert _max_vcpus({"compute_environments": [mf.MetaflowComputeEnvironmentOptions(name="cpu", max_vcpus=96)]}) == [96]
    assert _max_vcpus({"compute_environments": [{"name": "cpu", "max_vcpus": 96}]}) == [64]


def test_the_python_example_app_synthesizes(tmp_path):
    import os
    import pathlib
    import subprocess
    import sys

    app = pathlib.Path(__file__).resolve().parents[2] / "examples" / "python" / "app.py"
    subprocess.run([sys.executable, str(app)], check=True, env={**os.environ, "CDK_OUTDIR": str(tmp_path)})
    import json

    resources = json.loads((tmp_path / "MetaflowPython.template.json").read_text())["Resources"].values()
    max_vcpus = sorted(r["Properties"]["ComputeResources"]["MaxvCpus"] for r in resources if r["Type"] == "AWS::Batch::ComputeEnvironment")
    assert max_vcpus == [96, 256]
    assert any(r["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer" and r["Properties"].get("Type") == "application" for r in resources)


def test_the_pypi_description_shows_python_not_typescript():
    from importlib.metadata import metadata

    description = metadata("cdk-metaflow-platform")["Description"] or metadata("cdk-metaflow-platform").get_payload()
    assert 'MetaflowPlatform(self, "Metaflow")' in description
    assert "new MetaflowPlatform" not in description
    assert "```ts" not in description and "```typescript" not in description


def _readme_python_blocks():
    from importlib.metadata import metadata
    import re

    description = metadata("cdk-metaflow-platform")["Description"] or metadata("cdk-metaflow-platform").get_payload()
    return re.findall(r"^```python\n(.*?)^```$", description, re.M | re.S)


def test_every_python_block_of_the_pypi_readme_synthesizes_offline(tmp_path):
    import json
    import pathlib
    import subprocess
    import sys

    blocks = [block for block in _readme_python_blocks() if "@step" not in block]  # flow code is Metaflow's, not CDK's
    assert len(blocks) >= 13
    (tmp_path / "blocks.json").write_text(json.dumps(blocks))
    # A process of its own, started in an app folder as `cdk synth` would start the app: the jsii runtime's Node.js
    # process keeps the working directory it started in, which relative asset paths (./metadata-image) resolve against.
    (tmp_path / "metadata-image").mkdir()
    (tmp_path / "metadata-image" / "Dockerfile").write_text("FROM netflixoss/metaflow_metadata_service:v2.5.1\n")
    runner = pathlib.Path(__file__).with_name("readme_blocks.py")
    root = pathlib.Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, str(runner), "blocks.json", str(root)], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    problems = {index: problem for index, problem in json.loads(run.stdout).items() if problem}
    assert problems == {}, "\n\n".join(f"{blocks[int(index)]}\n-> {problem}" for index, problem in problems.items())


def test_the_pypi_readme_imports_each_name_once():
    for block in _readme_python_blocks():
        for line in block.splitlines():
            if line.startswith("from ") and " import " in line:
                names = [name.strip() for name in line.split(" import ", 1)[1].split(",")]
                assert len(names) == len(set(names)), line

