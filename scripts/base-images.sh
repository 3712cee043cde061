#!/usr/bin/env bash
# Build the offline base images webstack's Dockerfiles start FROM, straight from Debian
# packages (no registry is reachable, so python:/nginx:/node: images can't be pulled), and
# the moto image the Cloud Map engine tests run (moto's server mode, a real emulator).
# Each image is skipped when its tag already exists. Needs root and a running engine
# (scripts/engine.sh start).
#
#   WEBSTACK_PYTHON_BASE  tag of the python base (default webstack-offline/python:forky)
#   WEBSTACK_NGINX_BASE   tag of the nginx base  (default webstack-offline/nginx:forky)
#   WEBSTACK_NODE_BASE    tag of the node base (discovery/Dockerfile; default webstack-offline/node:forky)
#   WEBSTACK_MOTO_IMAGE   tag of the moto server image (default webstack-offline/moto:forky)
#   WEBSTACK_MIRROR       Debian mirror URL (default: the one in this machine's apt sources)
#   WEBSTACK_DEB_CACHE    .deb cache shared by both builds (default /var/cache/webstack-debootstrap)
set -euo pipefail

PYTHON_TAG="${WEBSTACK_PYTHON_BASE:-webstack-offline/python:forky}"
NGINX_TAG="${WEBSTACK_NGINX_BASE:-webstack-offline/nginx:forky}"
NODE_TAG="${WEBSTACK_NODE_BASE:-webstack-offline/node:forky}"
MOTO_TAG="${WEBSTACK_MOTO_IMAGE:-webstack-offline/moto:forky}"
CACHE="${WEBSTACK_DEB_CACHE:-/var/cache/webstack-debootstrap}"
# forky (testing) because bookworm's nginx 1.22 lacks upstream `server ... resolve`
# (needs >= 1.27.3). Bookworm's debootstrap has no forky script; sid's fits.
SUITE=forky
SUITE_SCRIPT=/usr/share/debootstrap/scripts/sid
NGINX_MIN=1.27.3
PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

T0=$SECONDS
log() { printf '[base-images %3ds] %s\n' "$((SECONDS - T0))" "$*"; }

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# First archive URI from apt's sources (deb822 first, then one-line format), skipping
# the security archive, so no host name is written into the repo.
detect_mirror() {
  local uri
  uri=$(awk '
      /^[[:space:]]*$/ { if (u != "" && s !~ /-security/) { print u; exit } u = ""; s = "" ; next }
      tolower($1) == "uris:"   { u = $2 }
      tolower($1) == "suites:" { s = $0 }
      END { if (u != "" && s !~ /-security/) print u }
    ' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  if [[ -z $uri ]]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                         if ($(i+1) !~ /-security/) { print $i; exit } }')
  fi
  [[ -n $uri ]] || { echo "no Debian mirror found in apt sources; set WEBSTACK_MIRROR" >&2; return 1; }
  echo "$uri"
}

WORK=""
cleanup() {
  [[ -n $WORK && -d $WORK ]] || return 0
  # debootstrap mounts proc/sys (and maybe more) in the target; a failed run can leave
  # them mounted. Unmount first, and never let rm cross into a mount.
  awk -v w="$WORK" '$2 == w || index($2, w "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

# bootstrap DIR PKGS: minimal forky rootfs with PKGS (comma separated) in DIR.
bootstrap() {
  local dir=$1 pkgs=$2 t=$SECONDS
  mkdir -p "$dir/etc/dpkg/dpkg.cfg.d"
  # No fsync per file while unpacking: a throwaway rootfs doesn't need crash safety,
  # and it makes dpkg much faster. Removed again before import.
  echo force-unsafe-io >"$dir/etc/dpkg/dpkg.cfg.d/webstack-unsafe-io"
  # --cache-dir: .debs common to both images (libc, perl-base, ...) download once, and a
  # rebuild after `docker rmi` downloads nothing that is still current.
  debootstrap --variant=minbase --include="$pkgs" --cache-dir="$CACHE" \
    "$SUITE" "$dir" "$MIRROR" "$SUITE_SCRIPT" >"$dir.log" 2>&1 || {
    echo "debootstrap failed for $dir; last lines of its log:" >&2
    tail -n 30 "$dir.log" >&2
    return 1
  }
  log "  debootstrap took $((SECONDS - t))s"
}

# slim DIR: drop what only apt/dpkg/humans need, to keep the image small.
slim() {
  local dir=$1
  rm -f "$dir/etc/dpkg/dpkg.cfg.d/webstack-unsafe-io"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/cache/debconf/*-old \
    "$dir"/var/log/*.log "$dir"/var/log/apt/* "$dir"/usr/share/man/* "$dir"/usr/share/info/*
  mkdir -p "$dir/var/lib/apt/lists/partial" "$dir/var/cache/apt/archives/partial"
  # Filled by the host during debootstrap; Docker manages these at run time.
  : >"$dir/etc/resolv.conf"
  echo localhost >"$dir/etc/hostname"
}

# import DIR TAG [STOPSIGNAL] [--change ...]: the rootfs as a single-layer image.
# The 20.10 engine's `import --change` rejects STOPSIGNAL ("not a valid change
# command"; it takes only CMD ENTRYPOINT ENV EXPOSE LABEL ONBUILD USER VOLUME
# WORKDIR), so that one is added by a metadata-only build on top of the import.
import() {
  local dir=$1 tag=$2 stopsignal=$3 t=$SECONDS id
  shift 3
  id=$(tar --numeric-owner -C "$dir" -c . | docker import "$@" -)
  if [[ -n $stopsignal ]]; then
    # Classic builder: the 28.x client has no buildx here (see scripts/engine.sh).
    printf 'FROM %s\nSTOPSIGNAL %s\n' "$id" "$stopsignal" |
      DOCKER_BUILDKIT=0 docker build -q -t "$tag" - >/dev/null 2>&1 ||
      { echo "adding STOPSIGNAL to $id failed" >&2; return 1; }
  else
    docker tag "$id" "$tag"
  fi
  log "  import took $((SECONDS - t))s"
}

build_python() {
  local dir="$WORK/python"
  log "building $PYTHON_TAG"
  # passwd: useradd for the app's Dockerfile. python3-pip: the Dockerfile's
  # `pip install -r requirements.txt` (satisfied by the Debian packages, no network).
  bootstrap "$dir" python3,python3-flask,gunicorn,python3-pip,passwd
  [[ -x $dir/usr/bin/gunicorn ]] || { echo "/usr/bin/gunicorn missing" >&2; return 1; }
  chroot "$dir" python3 -c 'import flask, gunicorn' ||
    { echo "flask/gunicorn not importable" >&2; return 1; }
  chroot "$dir" sh -c 'command -v useradd >/dev/null' || { echo "useradd missing" >&2; return 1; }
  slim "$dir"
  # Debian marks its python externally managed (PEP 668), so plain `pip install` fails
  # even when every requirement is already installed; the official image has no marker.
  import "$dir" "$PYTHON_TAG" "" \
    --change "ENV PATH=$PATH_ENV" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1' \
    --change 'CMD ["python3"]'
  rm -rf --one-file-system "$dir" "$dir.log"
}

build_nginx() {
  local dir="$WORK/nginx" ver
  log "building $NGINX_TAG"
  bootstrap "$dir" nginx,bash,coreutils,sed,mawk,passwd
  # shellcheck disable=SC2016 # ${Version} is dpkg-query's, not the shell's
  ver=$(chroot "$dir" dpkg-query -W -f='${Version}' nginx)
  dpkg --compare-versions "$ver" ge "$NGINX_MIN" ||
    { echo "nginx $ver < $NGINX_MIN (no upstream 'resolve')" >&2; return 1; }
  # Behave like the official image: Debian's default site would answer port 80 before
  # any server in conf.d/, and logs should go to the container's stdout/stderr.
  rm -f "$dir/etc/nginx/sites-enabled/default"
  mkdir -p "$dir/var/log/nginx"
  ln -sfn /dev/stdout "$dir/var/log/nginx/access.log"
  ln -sfn /dev/stderr "$dir/var/log/nginx/error.log"
  slim "$dir"
  # SIGQUIT: graceful shutdown, as in the official image.
  import "$dir" "$NGINX_TAG" SIGQUIT \
    --change "ENV PATH=$PATH_ENV" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["nginx","-g","daemon off;"]'
  rm -rf --one-file-system "$dir" "$dir.log"
}

build_node() {
  local dir="$WORK/node"
  log "building $NODE_TAG"
  # nodejs for the discovery sidecar's bundle; ca-certificates for TLS to the AWS APIs.
  # This machine's apt sees only bookworm (nodejs 18); debootstrap reads forky directly.
  bootstrap "$dir" nodejs,ca-certificates
  chroot "$dir" node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
    { echo "forky's nodejs is older than 20" >&2; return 1; }
  slim "$dir"
  import "$dir" "$NODE_TAG" "" \
    --change "ENV PATH=$PATH_ENV" \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["node"]'
  rm -rf --one-file-system "$dir" "$dir.log"
}

# moto's server mode (python3-flask-cors: moto.server imports it, python3-moto does not depend on it): Cloud Map (DiscoverInstances, DiscoverInstancesRevision, RegisterInstance, ...)
# for the engine tests, on the python base. apt in a container rather than debootstrap --include (whose
# configure stage failed on python3-cryptography here); forky's Release file is past its Valid-Until on
# this archive, hence the option. Done here, cached by tag, so image builds still need nothing outside.
build_moto() {
  local cid t=$SECONDS
  log "building $MOTO_TAG from $PYTHON_TAG"
  cid=$(docker run -d --user 0 "$PYTHON_TAG" sh -c '
      export DEBIAN_FRONTEND=noninteractive
      apt-get -o Acquire::Check-Valid-Until=false update -qq &&
      apt-get install -y -qq python3-moto python3-boto3 python3-flask-cors >/dev/null &&
      python3 -c "import moto.server, boto3" &&
      rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb')
  if [[ $(docker wait "$cid") != 0 ]]; then
    docker logs "$cid" 2>&1 | tail -n 30 >&2
    docker rm -f "$cid" >/dev/null
    echo "installing python3-moto failed" >&2
    return 1
  fi
  docker commit \
    --change 'USER 65534:65534' \
    --change 'EXPOSE 5000' \
    --change 'CMD ["python3","-m","moto.server","-H","0.0.0.0","-p","5000"]' \
    "$cid" "$MOTO_TAG" >/dev/null
  docker rm "$cid" >/dev/null
  log "  apt install and commit took $((SECONDS - t))s"
}

# Keep only the newest cached version of each package, so the cache doesn't grow forever.
prune_cache() {
  find "$CACHE" -maxdepth 1 -name '*.deb' -printf '%f\n' | sort -t_ -k1,1 -k2,2V |
    awk -F_ '{ if ($1 == prev) print last; prev = $1; last = $0 }' |
    while read -r f; do rm -f "$CACHE/$f"; done
}

main() {
  docker info >/dev/null 2>&1 || { echo "docker engine not answering; run scripts/engine.sh start" >&2; exit 1; }

  local need=()
  if have_image "$PYTHON_TAG"; then log "$PYTHON_TAG exists, skipping"; else need+=(python); fi
  if have_image "$NGINX_TAG"; then log "$NGINX_TAG exists, skipping"; else need+=(nginx); fi
  if have_image "$NODE_TAG"; then log "$NODE_TAG exists, skipping"; else need+=(node); fi
  if have_image "$MOTO_TAG"; then log "$MOTO_TAG exists, skipping"; else need+=(moto); fi

  if ((${#need[@]})); then
    [[ $(id -u) == 0 ]] || { echo "debootstrap needs root" >&2; exit 1; }
    if ! command -v debootstrap >/dev/null 2>&1; then
      log "installing debootstrap"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update
      apt-get install -y debootstrap
    fi
    MIRROR="${WEBSTACK_MIRROR:-$(detect_mirror)}"
    log "mirror: $MIRROR, suite: $SUITE"
    mkdir -p "$CACHE"
    WORK=$(mktemp -d /tmp/webstack-base.XXXXXX)
    # Unpacking ~100 packages is fork/IO bound on these VMs; in RAM it was ~15% faster
    # (84 s vs 100 s for the python rootfs, mean of 2). Plain /tmp works if mount is denied.
    mount -t tmpfs -o size=3g,mode=0755 webstack-base "$WORK" 2>/dev/null ||
      log "tmpfs mount failed; unpacking on disk"
    local n
    for n in "${need[@]}"; do "build_$n"; done
    prune_cache
  fi

  log "done in $((SECONDS - T0))s"
  echo "$PYTHON_TAG"
  echo "$NGINX_TAG"
  echo "$NODE_TAG"
  echo "$MOTO_TAG"
}

main "$@"
