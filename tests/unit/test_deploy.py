"""deploy/k8s checked as a cluster would check it: every manifest valid against the Kubernetes API schema
(kubernetes-validate, strict: no unknown fields), every container with probes and resource requests and
limits, every variable the containers and Rasa's endpoints read actually provided, every LABORBOT_* name one
the app's settings know."""

from __future__ import annotations

import re

import kubernetes_validate
import pytest
import yaml

from api.core.settings import PROJECT_ROOT, Settings

K8S = PROJECT_ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.31"  # the oldest release still in wide use by cloud providers at the time of writing


def documents(name: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")) if doc]


def kustomization() -> dict:
    return documents("kustomization.yaml")[0]


def applied() -> list[dict]:
    return [doc for name in kustomization()["resources"] for doc in documents(name)]


def containers(doc: dict) -> list[dict]:
    spec = doc["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


@pytest.mark.parametrize("name", [*kustomization()["resources"], "secret.example.yaml"])
def test_every_manifest_is_valid_for_the_kubernetes_api(name):
    for doc in documents(name):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_every_file_kustomize_reads_is_there():
    kust = kustomization()
    named = kust["resources"] + [f.split("=")[-1] for gen in kust["configMapGenerator"] for f in gen["files"]]
    assert all((K8S / name).is_file() for name in named)


def test_every_container_has_probes_requests_and_limits():
    deployments = [doc for doc in applied() if doc["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} == {"laborbot-app", "laborbot-rasa", "laborbot-actions"}
    for deployment in deployments:
        for container in containers(deployment):
            assert {"cpu", "memory"} <= container["resources"]["requests"].keys(), container["name"]
            assert {"cpu", "memory"} <= container["resources"]["limits"].keys(), container["name"]
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "readinessProbe" in container and "livenessProbe" in container, container["name"]


def test_every_variable_read_is_provided_and_every_setting_is_real():
    config = next(doc for doc in applied() if doc["kind"] == "ConfigMap")["data"]
    secret = documents("secret.example.yaml")[0]["stringData"]
    provided = config.keys() | secret.keys()
    fields = {f"LABORBOT_{name.upper()}" for name in Settings.model_fields}
    assert {name for name in provided if name.startswith("LABORBOT_")} <= fields
    endpoints = (K8S / "rasa-endpoints.yml").read_text(encoding="utf-8")
    assert set(re.findall(r"\$\{(\w+)\}", endpoints)) <= provided
    for deployment in (doc for doc in applied() if doc["kind"] == "Deployment"):
        for container in containers(deployment):
            for source in container.get("envFrom", []):
                ref = source.get("configMapRef") or source.get("secretRef")
                assert ref["name"] in ("laborbot-config", "laborbot-secrets")


def test_the_app_serves_the_probed_paths(bare_app):
    client, _app = bare_app
    app_spec = next(
        doc for doc in applied() if doc["metadata"]["name"] == "laborbot-app" and doc["kind"] == "Deployment"
    )
    probe = app_spec["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"]
    assert client.get(probe).status_code in (200, 503)  # 503 until the bot and the index are ready
    annotations = app_spec["spec"]["template"]["metadata"]["annotations"]
    assert client.get(annotations["prometheus.io/path"]).status_code == 200


def test_the_image_build_trains_and_builds_like_the_product_commands():
    dockerfile = (PROJECT_ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "torch==2.13.0" in dockerfile and "download.pytorch.org/whl/cpu" in dockerfile  # never the CUDA build
    assert "laborbot kb build" in dockerfile and "nlu.training_data import assemble" in dockerfile
