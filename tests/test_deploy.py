"""The deployment files agree with each other and keep the rules the README states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from streams.settings import Settings

DEPLOY = Path(__file__).parents[1] / "deploy"


def docs(name: str) -> dict[str, dict[str, Any]]:
    out = {}
    for doc in yaml.safe_load_all((DEPLOY / "k8s" / name).read_text()):
        if doc:
            out[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return out


def test_deployment_is_hardened_and_probed() -> None:
    deploy = docs("deployment.yaml")["Deployment/offer-matcher"]
    pod = deploy["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert not container["image"].endswith(":latest") and ":" in container["image"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] and sc["capabilities"]["drop"] == ["ALL"]
    assert not sc["allowPrivilegeEscalation"] and pod["securityContext"]["runAsNonRoot"]
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    config = docs("configmap.yaml")["ConfigMap/offer-matcher"]["data"]
    assert pod["terminationGracePeriodSeconds"] > float(config["MATCHER_GRACEFUL_TIMEOUT_S"])
    refs = [next(iter(r)) for r in container["envFrom"]]
    assert refs == ["configMapRef", "secretRef"]
    assert "PodDisruptionBudget/offer-matcher" in docs("deployment.yaml")


def test_secrets_stay_out_of_the_configmap_and_variables_exist() -> None:
    config = docs("configmap.yaml")["ConfigMap/offer-matcher"]["data"]
    secret = docs("secret.example.yaml")["Secret/offer-matcher-credentials"]["stringData"]
    known = {f"MATCHER_{n.upper()}" for n in Settings.model_fields}
    assert set(config) <= known and set(secret) <= known
    secrets = {
        f"MATCHER_{n.upper()}"
        for n, f in Settings.model_fields.items()
        if "secret" in str(f.description)
    }
    assert secrets and not secrets & set(config) and set(secret) <= secrets


def test_keda_scales_the_deployment_on_lag_up_to_the_partitions() -> None:
    keda = docs("keda.yaml")["ScaledObject/offer-matcher"]["spec"]
    config = docs("configmap.yaml")["ConfigMap/offer-matcher"]["data"]
    assert keda["scaleTargetRef"]["name"] == "offer-matcher"
    assert keda["maxReplicaCount"] == int(config["MATCHER_PARTITIONS"])
    (trigger,) = keda["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == config["MATCHER_GROUP_ID"]
    assert trigger["metadata"]["topic"] == config["MATCHER_INPUT_TOPIC"]
    assert "TriggerAuthentication/" + trigger["authenticationRef"]["name"] in docs("keda.yaml")


def test_compose_has_kafka_redis_matchers_loader_and_prometheus() -> None:
    compose = yaml.safe_load((DEPLOY / "compose" / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"kafka", "redis", "matcher", "catalog-load", "prometheus"} <= set(services)
    assert (
        "--appendonly" in services["redis"]["command"]
        and "--requirepass" in services["redis"]["command"]
    )
    assert services["matcher"]["deploy"]["replicas"] > 1
    scrape = yaml.safe_load((DEPLOY / "compose" / "prometheus.yml").read_text())
    assert scrape["scrape_configs"][0]["dns_sd_configs"][0]["names"] == ["matcher"]
