"""What differs between a Fargate task of the platform and this machine, in one place.

The contract suite runs the containers' commands and environments exactly as the synthesized templates give
them; only the values below are mapped. Every mapping is listed in MAPPINGS, which the README quotes.
"""
import json
import re

REGION = "us-east-1"
ACCOUNT = "123456789012"

MAPPINGS = [
    ("the image's Python, /opt/latest/bin/python3", "the contract venv's python (.contract/venv)"),
    ("the image's WORKDIR /root, and /root/run_goose.py", "the unpacked v2.5.1 source (.contract/service)"),
    ("goose's -dir /root/services/migration_service/migration_files/ (fixed in run_goose.py)",
     "a goose on PATH that maps /root/ to the unpacked source, then runs goose v3.9.0"),
    ("database endpoint (Fn::GetAtt Endpoint.Address / Endpoint.Port)", "127.0.0.1 and the local PostgreSQL 17's port"),
    ("ECS secret MF_METADATA_DB_PSWD (the credentials secret's password)", "the local database's password"),
    ("metadata service port 8080 (MF_METADATA_PORT unset, health check URL)", "a free port: MF_METADATA_PORT, and the URL's port"),
    ("UI port MF_UI_METADATA_PORT=8083, target group health path", "a free port (same variable); the path unchanged"),
    ("the bundled UI (downloaded into the image at build time)", "a stand-in index.html and static/ in the source's ui folder"),
    ("S3 and Secrets Manager", "moto's server on 127.0.0.1 (AWS_ENDPOINT_URL, METAFLOW_S3_ENDPOINT_URL)"),
    ("METAFLOW_SERVICE_URL and METAFLOW_SERVICE_INTERNAL_URL (API Gateway stage, Cloud Map name or load balancer)",
     "http://127.0.0.1:<metadata port>/, after checking the template's value is an http(s) URL ending in /"),
    ("the API key ({{resolve:secretsmanager:...}} in the stored configuration)", "a fixed local key (the service ignores x-api-key)"),
    ("AWS::Region, AWS::AccountId, other resources' ARNs and names", f"{REGION}, {ACCOUNT}, ARNs and names built from logical ids"),
    ("sudo -u ec2-user -i (notebook start script)", "a sudo on PATH that runs the script as the current user"),
]

LOCAL_API_KEY = "contract-test-api-key"

_ARN_OF_TYPE = {
    "AWS::IAM::Role": lambda lid: f"arn:aws:iam::{ACCOUNT}:role/{lid}",
    "AWS::Batch::JobQueue": lambda lid: f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/{lid}",
    "AWS::ECR::Repository": lambda lid: f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{lid.lower()}",
    "AWS::Logs::LogGroup": lambda lid: f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{lid}:*",
}


class Resolver:
    """Resolves the intrinsic functions of one template with local values (see MAPPINGS)."""

    def __init__(self, template, database_port, secret_arns=None, bucket="metaflow-contract"):
        self.resources = template["Resources"]
        self.database_port = database_port
        self.secret_arns = secret_arns or {}
        self.bucket = bucket

    def resolve(self, value):
        if isinstance(value, str):
            return re.sub(r"\{\{resolve:secretsmanager:[^}]*\}\}", LOCAL_API_KEY, value)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1:
            return {key: self.resolve(item) for key, item in value.items()}
        (function, argument), = value.items()
        if function == "Ref":
            return self._ref(argument)
        if function == "Fn::GetAtt":
            return self._get_att(*argument)
        if function == "Fn::Join":
            return self.resolve("".join(str(self.resolve(part)) for part in argument[1]))
        if function == "Fn::Select":
            return self.resolve(argument[1])[int(argument[0])]
        if function == "Fn::Split":
            return str(self.resolve(argument[1])).split(argument[0])
        if function == "Fn::Base64":
            return self.resolve(argument)
        return {function: self.resolve(argument)}

    def _ref(self, name):
        pseudo = {"AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
        if name in pseudo:
            return pseudo[name]
        kind = self.resources[name]["Type"]
        if kind == "AWS::S3::Bucket":
            return self.bucket
        if kind in ("AWS::SecretsManager::Secret", "AWS::SecretsManager::SecretTargetAttachment"):
            return self.secret_arns.get(name, f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}")
        return name

    def _get_att(self, name, attribute):
        kind = self.resources[name]["Type"]
        if kind == "AWS::RDS::DBInstance":
            return {"Endpoint.Address": "127.0.0.1", "Endpoint.Port": str(self.database_port)}[attribute]
        if attribute == "DNSName":
            return f"{name.lower()}.elb.{REGION}.amazonaws.com"
        if attribute.endswith("Arn") and kind in _ARN_OF_TYPE:
            return _ARN_OF_TYPE[kind](name)
        raise KeyError(f"no local mapping for Fn::GetAtt {name}.{attribute} ({kind}): add one to test/contract/local_mapping.py")


def container(template, task_definition_prefix, name):
    """The container definition `name` of the task definition whose logical id starts with the prefix."""
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::ECS::TaskDefinition" and logical_id.startswith(task_definition_prefix):
            for definition in resource["Properties"]["ContainerDefinitions"]:
                if definition["Name"] == name:
                    return definition
    raise KeyError(f"no container {name} in a task definition {task_definition_prefix}*")


def stored_configuration(template):
    """The stored client configuration secret's SecretString (unresolved) and its logical id."""
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::SecretsManager::Secret" and logical_id.startswith("MetaflowConfigStoredConfig"):
            return logical_id, resource["Properties"]["SecretString"]
    raise KeyError("no stored configuration secret")


def environment_of(definition, resolver, secrets):
    """The container's environment: its variables resolved, its ECS secrets from `secrets` (name -> local value)."""
    environment = {item["Name"]: str(resolver.resolve(item["Value"])) for item in definition.get("Environment", [])}
    for secret in definition.get("Secrets", []):
        environment[secret["Name"]] = secrets[secret["Name"]]
    return environment


def as_json(value):
    return json.loads(value) if isinstance(value, str) else value
