#!/usr/bin/env python3
"""Generates a synthetic bootfleet fleet for benchmarks.

    gen-fleet.py --hosts N --repo DIR --observed DIR [--seed S]

REPO gets the manifests (groups/, files/, hosts/NNN/<host>.yaml in folders of at most 1000 hosts);
the caller makes it a Git repository. OBSERVED (outside the repository) gets, per host, <host>.json in
the exact form `bootc status --format=json` prints (copied from examples/fleet-repo/observed) and
<host>.etc.json, the agent's /etc report. Deterministic for a given N and seed.

Prints one JSON line to stdout: what bootfleet plan should report (host counts by status), so the
benchmark can check that it timed a real plan and not a pile of errors.
"""
import argparse
import hashlib
import json
import os
import random
import sys

API = "bootfleet.dev/v1alpha1"

# The OS images of each role, as in examples/fleet-repo: the desired one (pinned in the group) and an
# older one (what a host that is behind still boots). Digests, versions and ostree checksums are the
# examples' values, so the status documents are the same shape bootc prints.
IMAGES = {
    "web": {
        "arch": "amd64",
        "new": ("quay.io/bootfleet-example/web-os", "ecb095763ad57c781ec2de1cea059a06d62f3b7830f9e6ab1b0cdd5e0a3e0c64",
                "15e2c843e69f3b442bce3fd56bce516ec4f8aec760c68d22fcf395e19c1bf0c1",
                "370c9c8aa4cd1cb2039a98ba9c5584a9b48d18c80d38eba0de1067525de4cd9a", "2026-11-01T04:00:00Z", "42.20261101"),
        "old": ("quay.io/bootfleet-example/web-os", "ebf3486e4472d780a3b3ec88a69a2cfff6d04707e1cd818761032b946711a0b9",
                "de1401b4b5a4b6b7da462432570bfa67b1f1d4ee1fb7dec1b34e1b134dbcaf03",
                "55024f8ce687582efdc561e72860070bbf7c7118022355e2bdac28614b321194", "2026-10-15T04:00:00Z", "42.20261015"),
    },
    "db": {
        "arch": "amd64",
        "new": ("quay.io/bootfleet-example/db-os", "b3bf89096b68833d0a45a5fa1be0e2bd14ae66e6bebb816d79563e33739d2b6a",
                "3e9dd509684d24f3ba53b7fb98c365ffe305de5c0eb4c8c78de045caeefbe684",
                "d554de2dcbef78f5370ce1171d3998d3cff8d8d3d5a26f316eb0aac83952393d", "2026-11-01T04:00:00Z", "42.20261101"),
        "old": ("quay.io/bootfleet-example/db-os", "11ce1ae6721feb5128feaf7ace49ad69ca59a25025494b03e96f279a556afeaf",
                "3cf03b37bc3a39170cac817e20ded51e1541de744d91050c819d23d3e8aa761e",
                "834cf4f5f046b7a528d20232ea8e927b4be8701526e821a7591de4ca259836bc", "2026-10-15T04:00:00Z", "42.20261015"),
    },
    "edge": {
        "arch": "arm64",
        "new": ("quay.io/bootfleet-example/edge-os", "823e8a710749ced5dd1964f5d84668c674a0c5a182ca2e9c6f1963645413504d",
                "e175b9e84bf0327bd914ab12177fbd4486f50f8aabf2d2c4fd34e2348c2d233e",
                "382771d54c7b525169353b788c7073949d687f56831107b69a0ca768bbbec969", "2026-11-01T04:00:00Z", "42.20261101"),
        "old": ("quay.io/bootfleet-example/edge-os", "d664354999a170c1235491de46ed345c63e25d914ea82a6c2732295b9cf791d7",
                "4fb9559b9515a5876b9b711d975e66f953f13ae0e0fd3251442ca53a11fee07d",
                "076f3b1af3c4b8265a94120a663b905ec2a18b33ecf681986f18a5c125c702e0", "2026-10-15T04:00:00Z", "42.20261015"),
    },
}

CHRONY = """# Managed by bootfleet (groups/defaults.yaml). Local edits are overwritten.
pool 2.fedora.pool.ntp.org iburst maxsources 4
server ntp1.example.internal iburst prefer
driftfile /var/lib/chrony/drift
makestep 1.0 3
rtcsync
"""
MIRROR = """# Managed by bootfleet: pull OS images through the site mirror first.
[[registry]]
prefix = "quay.io/bootfleet-example"
location = "quay.io/bootfleet-example"

[[registry.mirror]]
location = "mirror.example.internal/quay/bootfleet-example"
"""
NGINX = """# Managed by bootfleet (groups/web.yaml)
worker_processes auto;
events { worker_connections 4096; }
"""
PG = """# Managed by bootfleet (groups/db.yaml)
max_connections = 400
shared_buffers = 8GB
"""
EDGE_AGENT = """# Managed by bootfleet (groups/edge.yaml)
uplink = lte0
report_interval = 300
"""
EU_NTP = """# Managed by bootfleet (groups/site-eu.yaml)
server ntp.eu.example.internal iburst
"""
SOURCES = {"chrony.conf": CHRONY, "registry-mirror.conf": MIRROR, "nginx-tuning.conf": NGINX,
           "postgresql-tuning.conf": PG, "edge-agent.conf": EDGE_AGENT, "eu-ntp.conf": EU_NTP}


class File:
    """One /etc file of a group: inline, from files/, or a template over {{host.name}} and labels."""

    def __init__(self, path, *, content=None, source=None, template=False, mode="0644", absent=False):
        self.path, self.content, self.source, self.template = path, content, source, template
        self.mode, self.absent = mode, absent

    def text_for(self, host):
        text = SOURCES[self.source] if self.source else self.content
        if self.template:  # the templates use plain {{var}} only; Mustache renders them like this
            text = text.replace("{{host.name}}", host["name"])
            for k, v in host["labels"].items():
                text = text.replace("{{host.labels.%s}}" % k, v)
        return text

    def yaml(self):
        lines = ["    - path: " + self.path]
        if self.absent:
            return lines + ["      state: absent"]
        if self.mode != "0644":
            lines.append('      mode: "%s"' % self.mode)
        if self.template:
            lines.append("      template: true")
        if self.source:
            lines.append("      source: ../files/" + self.source)
        else:
            lines.append("      content: |")
            lines += ["        " + l for l in self.content.rstrip("\n").split("\n")]
        return lines


class Group:
    def __init__(self, name, priority, selector, image=None, files=(), kargs_append=(), kargs_delete=()):
        self.name, self.priority, self.selector, self.image = name, priority, selector, image
        self.files, self.kargs_append, self.kargs_delete = list(files), list(kargs_append), list(kargs_delete)

    def matches(self, labels):
        for k, v in self.selector.get("matchLabels", {}).items():
            if labels.get(k) != v:
                return False
        for e in self.selector.get("matchExpressions", []):
            v = labels.get(e["key"])
            if e["operator"] == "In" and v not in e["values"]:
                return False
            if e["operator"] == "Exists" and v is None:
                return False
        return True

    def yaml(self):
        out = ["apiVersion: " + API, "kind: HostGroup", "metadata:", "  name: " + self.name, "spec:"]
        if not self.selector:
            out.append("  selector: {}")
        else:
            out.append("  selector:")
            if "matchLabels" in self.selector:
                out.append("    matchLabels:")
                out += ["      %s: %s" % kv for kv in self.selector["matchLabels"].items()]
            if "matchExpressions" in self.selector:
                out.append("    matchExpressions:")
                for e in self.selector["matchExpressions"]:
                    out.append("      - key: " + e["key"])
                    out.append("        operator: " + e["operator"])
                    if "values" in e:
                        out.append("        values: [" + ", ".join(e["values"]) + "]")
        out.append("  priority: %d" % self.priority)
        if self.image:
            repo, digest = IMAGES[self.image]["new"][:2]
            out += ["  image:", "    ref: %s:%s@sha256:%s" % (repo, IMAGES[self.image]["new"][5], digest)]
        if self.files:
            out.append("  etc:")
            for f in self.files:
                out += f.yaml()
        if self.kargs_append or self.kargs_delete:
            out.append("  kargs:")
            if self.kargs_append:
                out += ["    append:"] + ["      - " + k for k in self.kargs_append]
            if self.kargs_delete:
                out += ["    delete:"] + ["      - " + k for k in self.kargs_delete]
        return "\n".join(out) + "\n"


GROUPS = [
    Group("defaults", 0, {}, files=[
        File("/etc/chrony.conf", source="chrony.conf"),
        File("/etc/ssh/sshd_config.d/50-bootfleet.conf", mode="0600",
             content="# Managed by bootfleet\nPasswordAuthentication no\nPermitRootLogin prohibit-password\n"),
        File("/etc/containers/registries.conf.d/50-mirror.conf", source="registry-mirror.conf"),
        File("/etc/bootfleet/host.conf", template=True,
             content="# Managed by bootfleet\nhostname = {{host.name}}\nrole = {{host.labels.role}}\n"),
    ], kargs_append=["console=ttyS0,115200"]),
    Group("web", 10, {"matchLabels": {"role": "web"}}, image="web", files=[
        File("/etc/sysctl.d/60-web.conf", content="net.core.somaxconn = 4096\nnet.ipv4.tcp_tw_reuse = 1\n"),
        File("/etc/nginx/conf.d/tuning.conf", source="nginx-tuning.conf"),
        File("/etc/motd", template=True,
             content="{{host.name}}: web front end, site {{host.labels.site}}.\n"
                     "Managed by bootfleet; changes here are overwritten.\n"),
    ]),
    Group("db", 10, {"matchLabels": {"role": "db"}}, image="db", files=[
        File("/etc/sysctl.d/60-db.conf", content="vm.swappiness = 1\nvm.dirty_background_ratio = 5\n"),
        File("/etc/postgresql/tuning.conf", source="postgresql-tuning.conf"),
        File("/etc/motd", template=True, content="{{host.name}}: database, site {{host.labels.site}}.\n"),
    ]),
    Group("edge", 20, {"matchLabels": {"role": "edge"}}, image="edge", files=[
        File("/etc/motd", absent=True),
        File("/etc/edge/agent.conf", source="edge-agent.conf"),
        File("/etc/edge/identity", template=True, content="device = {{host.name}}\nstore = {{host.labels.site}}\n"),
    ], kargs_delete=["quiet"]),
    Group("site-eu", 5, {"matchExpressions": [{"key": "site", "operator": "In", "values": ["fra1", "ams1", "lon1"]},
                                              {"key": "role", "operator": "Exists"}]}, files=[
        File("/etc/chrony.d/eu.conf", source="eu-ntp.conf"),
        File("/etc/bootfleet/site.conf", template=True, content="{{host.name}} runs in {{host.labels.site}}\n"),
    ]),
    Group("canary", 30, {"matchExpressions": [{"key": "ring", "operator": "In", "values": ["canary"]}]}, files=[
        File("/etc/bootfleet/ring", content="canary\n"),
    ], kargs_append=["systemd.log_level=debug"]),
]

# A few hosts carry their own /etc file on top of their groups (the host layer wins).
HOST_OVERRIDE = File("/etc/sysctl.d/60-db.conf",
                     content="vm.swappiness = 1\nvm.dirty_background_ratio = 5\nkernel.shmmax = 68719476736\n")


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def make_host(i, rnd):
    role = rnd.choices(["web", "db", "edge"], weights=[50, 20, 30])[0]
    if role == "edge":
        site = "store-%03d" % rnd.randrange(1000)
    else:
        site = rnd.choice(["fra1", "ams1", "lon1", "nyc1", "sfo1"])
    labels = {"role": role, "site": site, "ring": "canary" if rnd.random() < 0.05 else "stable"}
    return {"name": "%s-%06d" % (role, i), "labels": labels, "override": role == "db" and rnd.random() < 0.1}


def host_yaml(h):
    out = ["apiVersion: " + API, "kind: Host", "metadata:", "  name: " + h["name"], "  labels:"]
    out += ["    %s: %s" % kv for kv in h["labels"].items()]
    if h["override"]:
        out += ["spec:", "  etc:"] + HOST_OVERRIDE.yaml()
    else:
        out.append("spec: {}")
    return "\n".join(out) + "\n"


def desired(h):
    """What bootfleet should merge for this host: {path: File} (highest layer wins), kargs."""
    files, append, delete = {}, set(), set()
    for g in sorted(GROUPS, key=lambda g: (g.priority, g.name)):
        if g.matches(h["labels"]):
            for f in g.files:
                files[f.path] = f
            append.update(g.kargs_append)
            delete.update(g.kargs_delete)
    if h["override"]:
        files[HOST_OVERRIDE.path] = HOST_OVERRIDE
    return files, sorted(append), sorted(delete)


def entry(role, which, download_only=False):
    repo, digest, image_digest, checksum, ts, version = IMAGES[role][which]
    return {"cachedUpdate": None, "downloadOnly": download_only,
            "image": {"architecture": IMAGES[role]["arch"],
                      "image": {"image": "%s@sha256:%s" % (repo, digest), "transport": "registry"},
                      "imageDigest": "sha256:" + image_digest, "timestamp": ts, "version": version},
            "incompatible": False,
            "ostree": {"checksum": checksum, "deploySerial": 0, "stateroot": "default"},
            "pinned": False, "softRebootCapable": False, "store": "ostreeContainer"}


# How hosts stand against Git (share in percent), and the bootc status each one reports.
SCENARIOS = [("in-sync", 55), ("older-booted", 15), ("staged", 10), ("download-only", 10), ("rolled-back", 10)]


def status_doc(role, scenario):
    repo, digest = IMAGES[role]["new"][:2]
    old_repo, old_digest = IMAGES[role]["old"][:2]
    spec_image = {"new": "%s@sha256:%s" % (repo, digest), "old": "%s@sha256:%s" % (old_repo, old_digest)}
    booted, staged, rollback, spec = {
        "in-sync": (entry(role, "new"), None, entry(role, "old"), "new"),
        "older-booted": (entry(role, "old"), None, None, "old"),
        "staged": (entry(role, "old"), entry(role, "new"), entry(role, "old"), "new"),
        "download-only": (entry(role, "old"), entry(role, "new", download_only=True), None, "new"),
        "rolled-back": (entry(role, "old"), None, entry(role, "new"), "old"),
    }[scenario]
    return {"apiVersion": "org.containers.bootc/v1", "kind": "BootcHost", "metadata": {"name": "host"},
            "spec": {"bootOrder": "default", "image": {"image": spec_image[spec], "transport": "registry"}},
            "status": {"booted": booted, "rollback": rollback, "rollbackQueued": False, "staged": staged,
                       "type": "bootcHost", "usrOverlay": None}}


def etc_report(h, rnd):
    """The host's /etc report: matching Git (about 75%), or with one kind of drift. Returns (doc, drifted)."""
    files, append, delete = desired(h)
    entries = []
    for path, f in sorted(files.items()):
        if f.absent:
            continue
        entries.append({"path": path, "sha256": sha(f.text_for(h)), "mode": f.mode, "owner": "root", "group": "root"})
    kargs = append + ["root=UUID=6e0b1f1c-7f5e-4c43-9a5a-0d8f3b1c2a11", "rw"]
    drift = rnd.choices(["none", "content", "mode", "missing", "kargs"], weights=[75, 10, 5, 5, 5])[0]
    if drift == "content":  # a local edit, reported with its text so the plan shows a diff
        e = entries[rnd.randrange(len(entries))]
        text = f"# edited by hand on {h['name']}\n" + files[e["path"]].text_for(h)
        e["sha256"], e["content"] = sha(text), text
    elif drift == "mode":
        entries[rnd.randrange(len(entries))]["mode"] = "0666"
    elif drift == "missing":
        del entries[rnd.randrange(len(entries))]
    elif drift == "kargs":
        kargs = [k for k in kargs if k not in append] + (["quiet"] if delete else [])
    doc = {"apiVersion": API, "kind": "EtcReport", "host": h["name"], "files": entries, "kargs": kargs}
    return doc, drift != "none"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hosts", type=int, required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--observed", required=True)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    for d in ("groups", "files", "hosts"):
        os.makedirs(os.path.join(a.repo, d), exist_ok=True)
    os.makedirs(a.observed, exist_ok=True)
    for name, text in SOURCES.items():
        with open(os.path.join(a.repo, "files", name), "w") as f:
            f.write(text)
    for g in GROUPS:
        with open(os.path.join(a.repo, "groups", g.name + ".yaml"), "w") as f:
            f.write(g.yaml())

    rnd = random.Random(a.seed)
    expect = {"hosts": a.hosts, "inSync": 0, "drifted": 0, "held": 0, "unknown": 0}
    scenarios, weights = zip(*SCENARIOS)
    for i in range(a.hosts):
        h = make_host(i, rnd)
        folder = os.path.join(a.repo, "hosts", "%03d" % (i // 1000))
        if i % 1000 == 0:
            os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, h["name"] + ".yaml"), "w") as f:
            f.write(host_yaml(h))
        scenario = rnd.choices(scenarios, weights=weights)[0]
        with open(os.path.join(a.observed, h["name"] + ".json"), "w") as f:
            json.dump(status_doc(h["labels"]["role"], scenario), f, separators=(",", ":"))
            f.write("\n")
        doc, drifted = etc_report(h, rnd)
        with open(os.path.join(a.observed, h["name"] + ".etc.json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        if scenario == "rolled-back":
            expect["held"] += 1
        elif scenario == "in-sync" and not drifted:
            expect["inSync"] += 1
        else:
            expect["drifted"] += 1
    json.dump(expect, sys.stdout)
    print()


if __name__ == "__main__":
    main()
