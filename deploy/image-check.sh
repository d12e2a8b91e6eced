#!/usr/bin/env bash
# `make image-check`: build the image on this machine with podman (no Docker engine, no image
# registry needed) and run it against the embedded broker and Redis. Not part of `make test`.
#
# The base image is made from Debian's packages (debootstrap) unless BASE_IMAGE names one that
# podman already has; the Python packages come from this machine's package sources as wheels.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
VERSION=$($PY -c 'import matcher; print(matcher.__version__)')
TAG=${TAG:-offer-matcher:$VERSION}
BASE_IMAGE=${BASE_IMAGE:-localhost/debian-python:bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
TORCH=${TORCH:-torch==2.13.0}

for tool in podman runc debootstrap; do
  command -v "$tool" > /dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap > /dev/null
    break
  }
done

mkdir -p build
cat > build/containers.conf <<CONF
[engine]
runtime = "runc"
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
CONF
export CONTAINERS_CONF=$PWD/build/containers.conf

if ! podman image exists "$BASE_IMAGE"; then
  echo "== base image $BASE_IMAGE from Debian bookworm (debootstrap)"
  rm -rf build/rootfs
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm build/rootfs "$MIRROR" > build/debootstrap.log
  tar -C build/rootfs -c . | podman import - "$BASE_IMAGE"
  rm -rf build/rootfs
fi

echo "== wheels for the image (runtime dependencies only)"
$PY -m pip wheel -q --wheel-dir wheelhouse "$TORCH" .

echo "== podman build $TAG"
podman build --format docker --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$TAG" .  # docker format keeps HEALTHCHECK

echo "== run $TAG against the embedded servers"
$PY -m tests.image_check "$TAG"
