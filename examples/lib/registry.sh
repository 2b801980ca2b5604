# shellcheck shell=bash
# Shared by the example walk-throughs and bench/resolve-bench.sh (sourced, not run): Debian's
# docker-registry on a free loopback port, and tiny images pushed to it with curl only, as a CI job could.
#
#   registry_start WORK NAME   starts it (plain HTTP, storage in WORK/registry); sets registry=HOST:PORT
#                              and registry_pid; NAME prefixes error messages
#   registry_upload REPO FILE  pushes FILE as a blob and prints its digest
#   push_image REPO TAG CREATED [ARCH]
#                              pushes an OCI image (one config, one gzip'ed tar layer) and prints its
#                              manifest digest, as the registry states it and checked against the bytes
#   push_index REPO TAG DIGEST/ARCH...
#                              pushes an OCI image index of those manifests and prints its digest
#
# The caller stops the registry (kill "$registry_pid") and has `set -euo pipefail`.

registry_start() {
  local work="$1" name="$2" port
  registry="" registry_pid="" registry_work="$work" # images are built in there, removed with it
  mkdir -p "$work/registry/storage"
  # A random free port: one that nothing answers on, and that the registry then binds (else try another).
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    # As Debian's /etc/docker/registry/config.yml has it (an in-memory cache of blob descriptors), quiet.
    cat >"$work/registry/config.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {cache: {blobdescriptor: inmemory}, filesystem: {rootdirectory: $work/registry/storage}}
http: {addr: 127.0.0.1:$port}
EOF
    /usr/bin/docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 100); do
      kill -0 "$registry_pid" 2>/dev/null || break
      curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
      sleep 0.1
    done
    if kill -0 "$registry_pid" 2>/dev/null && curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
      registry="127.0.0.1:$port"
      return 0
    fi
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=""
  done
  echo "$name: error: docker-registry did not start: $(cat "$work/registry/log" 2>/dev/null)" >&2
  return 1
}

registry_sha256() { sha256sum "$1" | cut -d' ' -f1; }

registry_upload() { # REPO FILE -> sha256:DIGEST (the registry's monolithic blob upload)
  local d loc
  d="sha256:$(registry_sha256 "$2")"
  loc="$(curl -fsS -X POST -D - -o /dev/null "http://$registry/v2/$1/blobs/uploads/" | tr -d '\r' \
    | sed -n 's/^[Ll]ocation: *//p')"
  [[ -n "$loc" ]] || { echo "registry: error: no upload location for $1" >&2; return 1; }
  [[ "$loc" == http* ]] || loc="http://$registry$loc"
  if [[ "$loc" == *\?* ]]; then loc+="&digest=$d"; else loc+="?digest=$d"; fi
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$2" "$loc" >/dev/null
  echo "$d"
}

registry_put_manifest() { # REPO TAG FILE MEDIA-TYPE -> sha256:DIGEST, as the registry states it
  local got want accept="application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"
  accept+=", application/vnd.docker.distribution.manifest.list.v2+json"
  accept+=", application/vnd.docker.distribution.manifest.v2+json"
  curl -fsS -X PUT -H "Content-Type: $4" --data-binary "@$3" "http://$registry/v2/$1/manifests/$2" >/dev/null
  # Read the digest back as a client would (bootfleet and bootc-sim do the same HEAD).
  got="$(curl -fsS -I -H "Accept: $accept" "http://$registry/v2/$1/manifests/$2" | tr -d '\r' \
    | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p')"
  want="sha256:$(registry_sha256 "$3")"
  [[ "$got" == "$want" ]] || { echo "registry: error: $1:$2: the registry says '$got', the bytes are $want" >&2; return 1; }
  echo "$got"
}

push_image() { # REPO TAG CREATED [ARCH] -> sha256:DIGEST
  local repo="$1" tag="$2" created="$3" arch="${4:-amd64}" d diff_id config layer
  d="$(mktemp -d "$registry_work/image.XXXXXX")"
  mkdir -p "$d/rootfs/usr/lib/demo-os"
  printf 'NAME="%s (bootfleet demo)"\nVERSION_ID=%s\nARCH=%s\n' "$repo" "$tag" "$arch" \
    >"$d/rootfs/usr/lib/demo-os/release"
  # Reproducible: fixed times, owners, modes and order; gzip -n stores no name or time.
  tar -C "$d/rootfs" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=u=rwX,go=rX \
    -cf "$d/layer.tar" usr
  gzip -n -c "$d/layer.tar" >"$d/layer.tar.gz"
  diff_id="sha256:$(registry_sha256 "$d/layer.tar")"
  printf '{"architecture":"%s","os":"linux","created":"%s","config":{"Labels":{"org.opencontainers.image.version":"%s"}},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$arch" "$created" "$tag" "$diff_id" >"$d/config.json"
  config="$(registry_upload "$repo" "$d/config.json")"
  layer="$(registry_upload "$repo" "$d/layer.tar.gz")"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config" "$(stat -c %s "$d/config.json")" "$layer" "$(stat -c %s "$d/layer.tar.gz")" >"$d/manifest.json"
  registry_put_manifest "$repo" "$tag" "$d/manifest.json" application/vnd.oci.image.manifest.v1+json
  rm -rf "$d"
}

push_index() { # REPO TAG DIGEST/ARCH... -> sha256:DIGEST
  local repo="$1" tag="$2" f entries="" sep="" m digest arch size
  shift 2
  f="$(mktemp "$registry_work/index.XXXXXX")"
  for m in "$@"; do
    digest="${m%/*}" arch="${m##*/}"
    size="$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
      "http://$registry/v2/$repo/manifests/$digest" | wc -c)"
    entries+="$sep{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$digest\",\"size\":$size,\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}"
    sep=","
  done
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}' "$entries" >"$f"
  registry_put_manifest "$repo" "$tag" "$f" application/vnd.oci.image.index.v1+json
  rm -f "$f"
}
