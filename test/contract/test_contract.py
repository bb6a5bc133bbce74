"""Runs the software the platform deploys with what the synthesized templates give it.

The schema migration, the metadata service and the UI backend are the unchanged metaflow-service v2.5.1 source;
their commands, environments and health checks come from the example templates, mapped only as local_mapping.py
lists. A real flow records through the service with the stored configuration's keys, and the client reads it back.
"""
import json
import os
import re
import stat
import subprocess
import urllib.request
from pathlib import Path

import psycopg2
import pytest

from conftest import EXAMPLES, FLOW_PYTHON, PYTHON, ROOT, SOURCE, WORK, free_port, template, wait_until
from local_mapping import LOCAL_API_KEY, Resolver, container, environment_of, stored_configuration

FLOWS = ROOT / "test" / "integ" / "flows"
IMAGE_PYTHON = "/opt/latest/bin/python3"
IMAGE_WORKDIR = "/root/"


def local_command(command):
    """A container command with the image's Python and /root paths mapped to this machine."""
    return [str(PYTHON) if part == IMAGE_PYTHON else part.replace(IMAGE_WORKDIR, f"{SOURCE}/") for part in command]


@pytest.fixture(scope="session")
def goose_on_path(tmp_path_factory):
    """goose v3.9.0 behind a shim that maps run_goose.py's fixed /root/ migration folder to the unpacked source."""
    folder = tmp_path_factory.mktemp("goose-bin")
    shim = folder / "goose"
    shim.write_text(f'#!/usr/bin/env bash\nargs=()\nfor a in "$@"; do args+=("${{a//{IMAGE_WORKDIR}/{SOURCE}/}}"); done\n'
                    f'exec "{WORK / "bin" / "goose"}" "${{args[@]}}"\n')
    shim.chmod(0o755)
    return folder


@pytest.fixture(scope="session")
def database(postgres):
    """The database RDS creates from the instance's DBName (metaflow), empty."""
    connection = psycopg2.connect(host="127.0.0.1", port=postgres["port"], user="metaflow", password=postgres["password"],
                                  dbname="postgres", sslmode="require")
    connection.autocommit = True
    connection.cursor().execute("CREATE DATABASE metaflow")
    connection.close()
    return postgres


def database_env(example, database, task_prefix, name):
    definition = container(template(example), task_prefix, name)
    resolver = Resolver(template(example), database["port"])
    return definition, environment_of(definition, resolver, {"MF_METADATA_DB_PSWD": database["password"]})


def run_migration(database, goose_on_path, overrides=None):
    definition, env = database_env("default", database, "MetaflowMetadataMigrationTaskDefinition", "migration")
    env.update(overrides or {})
    env["PATH"] = f"{goose_on_path}:{os.environ['PATH']}"
    return subprocess.run(local_command(definition["Command"]), env=env, cwd=SOURCE, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="session")
def migrated(database, goose_on_path):
    first = run_migration(database, goose_on_path)
    assert first.returncode == 0, first.stderr[-3000:]
    return {"first": first, **database}


def test_the_migration_creates_the_schema_over_ssl_and_is_idempotent(migrated, goose_on_path):
    second = run_migration(migrated, goose_on_path)
    assert second.returncode == 0, second.stderr[-3000:]
    connection = psycopg2.connect(host="127.0.0.1", port=migrated["port"], user="metaflow", password=migrated["password"],
                                  dbname="metaflow", sslmode="require")
    cursor = connection.cursor()
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = {row[0] for row in cursor.fetchall()}
    cursor.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    assert cursor.fetchone()[0] is True
    connection.close()
    assert {"goose_db_version", "flows_v3", "runs_v3", "steps_v3", "tasks_v3", "metadata_v3", "artifact_v3"} <= tables


def test_the_database_refuses_connections_without_ssl(database):
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(host="127.0.0.1", port=database["port"], user="metaflow", password=database["password"],
                         dbname="metaflow", sslmode="disable", connect_timeout=5)


@pytest.fixture(scope="session")
def metadata_service(migrated, processes):
    definition, env = database_env("default", migrated, "MetaflowMetadataTaskDefinition", "metadata")
    port = free_port()
    env.update(MF_METADATA_PORT=str(port), PATH=os.environ["PATH"])
    process = processes.start("metadata-service", local_command(definition["Command"]), env=env, cwd=SOURCE)
    url = f"http://127.0.0.1:{port}/"
    wait_until(lambda: urllib.request.urlopen(f"{url}ping", timeout=2).read() == b"pong", 60, "metadata service /ping")
    return {"url": url, "port": port, "definition": definition, "process": process}


def test_the_service_answers_ping_and_its_health_check_command_passes(metadata_service):
    assert urllib.request.urlopen(f"{metadata_service['url']}ping", timeout=5).read() == b"pong"
    kind, command = metadata_service["definition"]["HealthCheck"]["Command"]
    assert kind == "CMD-SHELL"
    assert "localhost:8080" in command
    local = command.replace(IMAGE_PYTHON, str(PYTHON)).replace("localhost:8080", f"127.0.0.1:{metadata_service['port']}")
    assert subprocess.run(["sh", "-c", local], timeout=30).returncode == 0


def start_ui_backend(database, processes, aws_env, name="ui-backend", overrides=None):
    example = template("with-ui")
    definition, env = database_env("with-ui", database, "MetaflowUiTaskDefinition", "ui")
    env.update(overrides or {})
    bundle = SOURCE / "services" / "ui_backend_service" / "ui"
    if not (bundle / "index.html").exists():
        (bundle / "static").mkdir(parents=True, exist_ok=True)
        (bundle / "index.html").write_text("<!doctype html><title>Metaflow UI stand-in</title>")
    port = free_port()
    assert env["MF_UI_METADATA_PORT"] == str(definition["PortMappings"][0]["ContainerPort"])
    env.update({key: value for key, value in aws_env.items() if key.startswith("AWS_") and key != "AWS_DEFAULT_REGION"})
    env.update(MF_UI_METADATA_PORT=str(port), PATH=os.environ["PATH"], HOME=str(ROOT / ".tmp"))
    cwd = Path(definition["WorkingDirectory"].replace("/root", str(SOURCE)))
    process = processes.start(name, local_command(definition["Command"]), env=env, cwd=cwd)
    health = next(resource["Properties"]["HealthCheckPath"] for logical_id, resource in example["Resources"].items()
                  if resource["Type"] == "AWS::ElasticLoadBalancingV2::TargetGroup" and logical_id.startswith("MetaflowUiTargetGroup"))
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: urllib.request.urlopen(f"{url}{health}", timeout=2).status == 200, 120, f"UI backend {health}")
    return {"url": url, "health": health, "process": process}


@pytest.fixture(scope="session")
def ui_backend(migrated, processes, aws_env):
    return start_ui_backend(migrated, processes, aws_env)


def test_the_ui_backend_answers_its_health_path_and_upgrades_websockets(ui_backend):
    assert urllib.request.urlopen(f"{ui_backend['url']}{ui_backend['health']}", timeout=5).status == 200
    checker = ("import asyncio, aiohttp, sys\n"
               "async def main():\n"
               "    async with aiohttp.ClientSession() as session:\n"
               "        async with session.ws_connect(sys.argv[1], timeout=10) as ws:\n"
               "            await ws.send_json({'type': 'SUBSCRIBE', 'resource': '/flows', 'uuid': 'contract'})\n"
               "            print('upgraded', ws.protocol)\n"
               "asyncio.run(main())\n")
    result = subprocess.run([str(PYTHON), "-c", checker, f"{ui_backend['url'].replace('http', 'ws')}/ws"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("upgraded")


def test_an_existing_database_needs_only_a_user_that_owns_it(database, goose_on_path, processes, aws_env):
    """README, A database you already run: a user without superuser or CREATEDB that owns its database can run the
    migration (tables in the public schema) and the UI backend (functions, triggers, ALTER TABLE ... ENABLE ALWAYS
    TRIGGER on those tables), as `MetadataDatabase.existingInstance(..., { databaseName, username })` connects them."""
    admin = psycopg2.connect(host="127.0.0.1", port=database["port"], user="metaflow", password=database["password"],
                             dbname="postgres", sslmode="require")
    admin.autocommit = True
    admin.cursor().execute("CREATE ROLE team_metaflow LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s", (database["password"],))
    admin.cursor().execute("CREATE DATABASE team_runs OWNER team_metaflow")
    admin.close()
    as_owner = {"MF_METADATA_DB_USER": "team_metaflow", "MF_METADATA_DB_NAME": "team_runs"}

    migration = run_migration(database, goose_on_path, as_owner)
    assert migration.returncode == 0, migration.stderr[-3000:]
    start_ui_backend(database, processes, aws_env, "ui-backend-existing-database", as_owner)

    connection = psycopg2.connect(host="127.0.0.1", port=database["port"], user="team_metaflow", password=database["password"],
                                  dbname="team_runs", sslmode="require")
    connection.autocommit = True
    cursor = connection.cursor()
    cursor.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
    assert [row[0] for row in cursor.fetchall()] == ["team_metaflow"]

    def always_triggered_tables():
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgenabled = 'A'")
        return {row[0] for row in cursor.fetchall()}
    # The tables whose UI table classes name trigger operations (ui_backend_service/data/db/tables: run, task, metadata).
    wait_until(lambda: {"runs_v3", "tasks_v3", "metadata_v3"} <= always_triggered_tables(), 60, "the UI backend's triggers")
    connection.close()


def stored_config(example, secret_arns=None):
    """The stored client configuration of `example`, resolved with the local values."""
    example_template = template(example)
    _logical_id, secret_string = stored_configuration(example_template)
    return json.loads(Resolver(example_template, 0, secret_arns).resolve(secret_string))


def client_config(example, service_url):
    config = stored_config(example)
    for key in ("METAFLOW_SERVICE_URL", "METAFLOW_SERVICE_INTERNAL_URL"):
        assert re.match(r"^https?://\S+/$", config[key]), f"{key} of {example}: {config[key]}"
        config[key] = service_url
    return config


@pytest.mark.parametrize("example", ["default", "private"])
def test_a_real_flow_records_through_the_service_and_reads_back(example, metadata_service, aws_env, tmp_path):
    config = client_config(example, metadata_service["url"])
    assert config["METAFLOW_DEFAULT_METADATA"] == "service" and config["METAFLOW_DEFAULT_DATASTORE"] == "s3"
    assert (config.get("METAFLOW_SERVICE_AUTH_KEY") == LOCAL_API_KEY) == (example == "default")
    bucket = config["METAFLOW_DATASTORE_SYSROOT_S3"].split("/")[2]
    subprocess.run([str(WORK / "venv" / "bin" / "aws"), "s3api", "create-bucket", "--bucket", bucket], env=aws_env, check=True,
                   capture_output=True, timeout=60)
    home = tmp_path / "metaflow-home"
    home.mkdir()
    (home / "config.json").write_text(json.dumps(config))
    env = {**aws_env, "METAFLOW_HOME": str(home), "METAFLOW_USER": "contract", "USERNAME": "contract"}
    run = subprocess.run([str(FLOW_PYTHON), str(FLOWS / "platform_check_flow.py"), "--no-pylint", "run"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    back = subprocess.run([str(FLOW_PYTHON), str(FLOWS / "check_latest_run.py")], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert back.returncode == 0, back.stdout[-3000:] + back.stderr[-3000:]
    runs = json.loads(urllib.request.urlopen(f"{metadata_service['url']}flows/PlatformCheckFlow/runs", timeout=10).read())
    assert any(row["user_name"] == "contract" for row in runs)


@pytest.fixture(scope="session")
def stored_secret(aws_env):
    """The private example's stored configuration in moto's Secrets Manager, under its logical id."""
    logical_id, _secret_string = stored_configuration(template("private"))
    aws = str(WORK / "venv" / "bin" / "aws")
    created = subprocess.run([aws, "secretsmanager", "create-secret", "--name", logical_id, "--secret-string", "{}"], env=aws_env,
                             check=True, capture_output=True, text=True, timeout=60)
    arn = json.loads(created.stdout)["ARN"]
    value = json.dumps(stored_config("private", {logical_id: arn}))
    subprocess.run([aws, "secretsmanager", "put-secret-value", "--secret-id", arn, "--secret-string", value], env=aws_env, check=True,
                   capture_output=True, timeout=60)
    return {"logical_id": logical_id, "arn": arn, "value": json.loads(value)}


def stand_in(folder, name, script):
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)


def resolved_in_private(stored_secret, value):
    """A value of the private example's template, with the stored configuration's ARN as moto gave it."""
    return Resolver(template("private"), 0, {stored_secret["logical_id"]: stored_secret["arn"]}).resolve(value)


def assert_writes_stored_configuration(script, home, path_prefix, stored_secret, aws_env):
    """Runs `script` with bash as the user of `home`; the config it writes must equal the stored one, readable by the owner only."""
    env = {**aws_env, "HOME": str(home), "PATH": f"{path_prefix}{WORK / 'venv' / 'bin'}:{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    written = home / ".metaflowconfig" / "config.json"
    assert json.loads(written.read_text()) == stored_secret["value"]
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_the_notebook_start_script_writes_the_stored_configuration(stored_secret, aws_env, tmp_path):
    lifecycle = next(resource for resource in template("private")["Resources"].values()
                     if resource["Type"] == "AWS::SageMaker::NotebookInstanceLifecycleConfig")
    script = resolved_in_private(stored_secret, lifecycle["Properties"]["OnStart"][0]["Content"])
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    for folder in (home / "SageMaker", home / "anaconda3" / "bin", bin_dir):
        folder.mkdir(parents=True)
    (home / "anaconda3" / "bin" / "activate").write_text("")
    # Stand-ins: sudo runs the heredoc as this user; pip installs nothing. aws is the real AWS CLI, against moto.
    stand_in(bin_dir, "sudo", "exec bash -s")
    stand_in(bin_dir, "pip", "exit 0")
    assert_writes_stored_configuration(script, home, f"{bin_dir}:", stored_secret, aws_env)


def test_the_configure_command_writes_the_stored_configuration(stored_secret, aws_env, tmp_path):
    command = resolved_in_private(stored_secret, template("private")["Outputs"]["MetaflowConfigureCommand"]["Value"])
    assert_writes_stored_configuration(command, tmp_path, "", stored_secret, aws_env)


# Variables that are read by libraries the service runs on, not by its own source.
READ_BY_LIBRARIES = {"AWS_DEFAULT_REGION": "botocore"}


def names_the_source_reads():
    """Every environment variable name the v2.5.1 source reads, literal or through DBConfiguration's prefix."""
    texts = [path.read_text(errors="replace") for path in [*SOURCE.glob("services/**/*.py"), SOURCE / "run_goose.py"]]
    literal = {name for text in texts for name in re.findall(r"""environ(?:\.get)?[\(\[]\s*["']([A-Z0-9_]+)["']""", text)}
    utils = (SOURCE / "services" / "utils" / "__init__.py").read_text()
    prefix = re.search(r'prefix="([A-Z_]+)"', utils).group(1)
    prefixed = {prefix + name for name in re.findall(r'prefix \+ "([A-Z_]+)"', utils)}
    return literal | prefixed


def metaflow_reads(name):
    """Whether the Metaflow library (which the UI backend runs on) reads METAFLOW_<X> through from_conf."""
    config = subprocess.run([str(PYTHON), "-c", "import metaflow.metaflow_config as c; print(c.__file__)"], capture_output=True, text=True,
                            timeout=60, check=True).stdout.strip()
    return f'"{name.removeprefix("METAFLOW_")}"' in Path(config).read_text()


@pytest.mark.parametrize("example,task,name", [
    ("default", "MetaflowMetadataMigrationTaskDefinition", "migration"),
    ("default", "MetaflowMetadataTaskDefinition", "metadata"),
    ("with-ui", "MetaflowUiTaskDefinition", "ui"),
])
def test_every_variable_the_templates_set_is_one_the_software_reads(example, task, name):
    definition = container(template(example), task, name)
    names = [item["Name"] for item in definition.get("Environment", []) + definition.get("Secrets", [])]
    read = names_the_source_reads()
    unread = [variable for variable in names if variable not in read and variable not in READ_BY_LIBRARIES
              and not (variable.startswith("METAFLOW_") and metaflow_reads(variable))]
    assert unread == [], f"{name} sets variables nothing reads (a typo?): {unread}"


def test_the_examples_were_synthesized():
    assert all((EXAMPLES / example).exists() for example in ("default", "private", "with-ui"))
