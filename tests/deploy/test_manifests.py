"""The deployment recipe for a state is checked offline against the schemas of its formats:
docker-compose.yml against the Compose Specification's JSON schema (vendored beside this file,
from the compose-spec project; ``docker compose config`` too where the plugin is installed),
and every Kubernetes manifest under deploy/kubernetes/ against the Kubernetes API's schemas,
strictly (unknown fields refused), with the schemas kubernetes-validate ships."""

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
KUBERNETES = ROOT / "deploy" / "kubernetes"
# The oldest Kubernetes release still supported by the major cloud providers' managed clusters.
KUBERNETES_VERSION = "1.32.0"
COMPOSE_SCHEMA = json.loads((Path(__file__).parent / "compose-spec.json").read_text())


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(COMPOSE_SCHEMA)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def test_the_compose_file_follows_the_compose_specification():
    assert compose_errors(compose()) == []


def test_the_compose_check_refuses_a_misspelt_key():
    document = compose()
    document["services"]["web-2"]["helthcheck"] = document["services"]["web-2"].pop("healthcheck")
    assert any("helthcheck" in error for error in compose_errors(document))


def test_the_state_profile_adds_a_web_process_a_worker_and_the_proxy_and_beat_runs_once():
    services = compose()["services"]
    state = {name for name, service in services.items() if "state" in service.get("profiles", [])}
    assert state == {"web-2", "worker-2", "proxy"}
    web = [n for n, s in services.items() if "gunicorn" in str(s.get("command", ""))]
    workers = [n for n, s in services.items() if "worker" in str(s.get("command", ""))[:30]]
    beats = [n for n, s in services.items() if " beat " in str(s.get("command", ""))]
    assert sorted(web) == ["web", "web-2"] and sorted(workers) == ["worker", "worker-2"]
    assert beats == ["beat"] and "profiles" not in services["beat"]
    proxy = services["proxy"]
    [config] = proxy["volumes"]
    assert config.startswith("./deploy/haproxy/haproxy.cfg:")
    assert {proxy["environment"]["WEB_1"], proxy["environment"]["WEB_2"]} == {
        "127.0.0.1:8000",
        "127.0.0.1:8001",
    }
    # Every worker has a name of its own (two workers of one name confuse Celery's control).
    names = {services[w]["command"].split(" -n ")[1] for w in workers}
    assert len(names) == 2


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose plugin is not installed: the schema check above stands alone",
)
def test_docker_compose_reads_the_state_profile():
    result = subprocess.run(
        ["docker", "compose", "--profile", "state", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def manifests() -> list[tuple[str, dict]]:
    return [
        (path.name, document)
        for path in sorted(KUBERNETES.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document and document["kind"] != "Kustomization"
    ]


@pytest.mark.parametrize(
    "name,document", manifests(), ids=lambda v: v if isinstance(v, str) else v["kind"]
)
def test_every_kubernetes_manifest_follows_the_api_schema(name, document):
    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        pytest.fail(f"{name}: {error.message} at {'/'.join(map(str, error.path))}")


def test_the_kubernetes_check_refuses_an_unknown_field():
    deployment = next(d for name, d in manifests() if name == "web.yaml")
    deployment["spec"]["template"]["spec"]["containers"][0]["readynessProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def by_kind() -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for _, d in manifests()}


def test_the_kustomization_applies_every_manifest_but_the_example_secret():
    kustomization = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())
    files = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files - {"secret.example.yaml"}


def test_the_topology_web_and_workers_scale_beat_runs_once_and_migrations_run_first():
    resources = by_kind()
    web = resources["Deployment", "microcreds-web"]
    worker = resources["Deployment", "microcreds-worker"]
    beat = resources["Deployment", "microcreds-beat"]
    assert web["spec"]["replicas"] >= 2 and worker["spec"]["replicas"] >= 2
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    assert ("HorizontalPodAutoscaler", "microcreds-beat") not in resources
    migrate = resources["Job", "microcreds-migrate"]["spec"]["template"]["spec"]["containers"][0]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for deployment in (web, worker, beat):
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        # No web or worker process migrates: the Job does, once.
        assert "migrate" not in " ".join(container["command"])
        # Settings from the ConfigMap, credentials (database, S3, Redis) from the Secret.
        assert container["envFrom"] == [
            {"configMapRef": {"name": "microcreds-config"}},
            {"secretRef": {"name": "microcreds-secrets"}},
        ]
    secret = resources["Secret", "microcreds-secrets"]["stringData"]
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_ACCESS_KEY_ID"} <= set(secret)


def test_the_web_pods_are_probed_on_the_health_endpoint_that_answers_them(client, db):
    resources = by_kind()
    [container] = resources["Deployment", "microcreds-web"]["spec"]["template"]["spec"][
        "containers"
    ]
    config = resources["ConfigMap", "microcreds-config"]["data"]
    service = resources["Service", "microcreds-web"]
    ingress = resources["Ingress", "microcreds"]
    assert (
        ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"]
        == (service["metadata"]["name"])
    )
    for probe in ("readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"] == "/healthz" and check["port"] == "http"
        # The probe's Host is one the app accepts, else every probe would get a 400.
        host = {h["name"]: h["value"] for h in check["httpHeaders"]}["Host"]
        assert host in config["ALLOWED_HOSTS"].split(",")
        assert client.get(check["path"], HTTP_HOST=host).status_code == 200
