"""Generate a realistic Spack build-cache mirror (its index only), for tests and benchmarks.

    python benchmarks/make_index.py OUT --records 300000 [--db-version 8] [--layout v3] [--seed 1]

Writes OUT as a mirror root: ``build_cache/index.json`` (+ ``.hash``) for the
v2 layout, or ``v3/layout.json``, ``v3/manifests/index/index.manifest.json``
and the blob it names for v3; and ``OUT/expected.json``:
``{"records": N, "binaries": B, "roots": R}``. The index has what real ones
have: nodes in the shape of each DB version (one-key dicts in DB 5, ``name``
later), dependency lists as dicts (5), lists with ``type`` (6) or with
``parameters`` (7+), compilers as attributes (<= 7) or as external compiler
nodes reached by ``c``/``cxx`` edges (8+), string and dict targets, variants
of every kind, externals (``in_buildcache: false``), roots and shared
dependencies.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random

TARGETS = ["x86_64_v3", "x86_64_v4", "zen4", "neoverse_v2", "aarch64", "x86_64"]
OSES = ["ubuntu22.04", "ubuntu24.04", "rhel8", "amzn2"]
WORDS = [
    "zlib",
    "hdf5",
    "cmake",
    "mpich",
    "openmpi",
    "boost",
    "py-numpy",
    "fftw",
    "petsc",
    "trilinos",
    "hypre",
    "netcdf-c",
    "libxml2",
    "xz",
    "bzip2",
    "curl",
    "openssl",
    "ncurses",
    "readline",
    "sqlite",
    "python",
    "perl",
]


def dag_hash(seed: str) -> str:
    return base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode().lower()[:32]


def target_value(name: str, rng: random.Random) -> object:
    if name in ("x86_64", "aarch64") or rng.random() < 0.5:
        return name
    return {"name": name, "vendor": "generic", "features": ["avx2", "fma"], "generation": 0, "parents": ["x86_64_v2"]}


def node(
    db: int,
    name: str,
    version: str,
    arch: dict[str, object],
    params: dict[str, object],
    deps: list[tuple[str, str, list[str], list[str]]],
    compiler: tuple[str, str] | None,
    external: bool,
) -> dict[str, object]:
    body: dict[str, object] = {"version": version, "arch": arch, "namespace": "builtin", "parameters": params}
    if compiler is not None and db <= 7:
        body["compiler"] = {"name": compiler[0], "version": compiler[1]}
    if external:
        body["external"] = {"path": "/usr", "module": None, "extra_attributes": {}}
    if deps:
        if db == 5:
            body["dependencies"] = {n: {"hash": h, "type": t} for n, h, t, _ in deps}
        elif db == 6:
            body["dependencies"] = [{"name": n, "hash": h, "type": t} for n, h, t, _ in deps]
        else:
            body["dependencies"] = [
                {"name": n, "hash": h, "parameters": {"deptypes": t, "virtuals": v}} for n, h, t, v in deps
            ]
    if db == 5:
        return {name: body}
    return {"name": name, **body}


def generate(out: str, records: int, db: int, layout: str, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    installs: dict[str, dict[str, object]] = {}
    made: list[tuple[str, str, str]] = []  # (hash, name, version) of binaries others may depend on
    depended: dict[str, int] = {}
    compilers = []
    for os_ in OSES:  # one external compiler per OS (a node from DB 8, an attribute before)
        digest = dag_hash(f"gcc-{os_}-{seed}")
        compilers.append(("gcc", "11.4.0", digest))
        installs[digest] = {
            "spec": node(
                db,
                "gcc",
                "11.4.0",
                {"platform": "linux", "platform_os": os_, "target": "x86_64"},
                {"languages": ["c", "c++", "fortran"]},
                [],
                None,
                True,
            ),
            "ref_count": 0,
            "in_buildcache": False,
        }
    binaries = 0
    for i in range(records - len(installs)):
        name = f"{rng.choice(WORDS)}-{i % 997}" if i % 3 else rng.choice(WORDS)
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
        os_ = rng.choice(OSES)
        arch = {"platform": "linux", "platform_os": os_, "target": target_value(rng.choice(TARGETS), rng)}
        params: dict[str, object] = {
            "build_system": rng.choice(["cmake", "autotools", "generic"]),
            "shared": rng.random() < 0.8,
            "mpi": rng.random() < 0.3,
            "libs": sorted(rng.sample(["shared", "static"], rng.randint(1, 2))),
            "cflags": [],
            "cxxflags": [],
        }
        deps = []
        for dep_hash, dep_name, _ in rng.sample(made, min(len(made), rng.randint(0, 6))):
            deps.append((dep_name, dep_hash, ["build", "link"], []))
            depended[dep_hash] = depended.get(dep_hash, 0) + 1
        gcc = compilers[OSES.index(os_)]
        if db >= 8:
            deps.append(("gcc", gcc[2], ["build"], ["c", "cxx"]))
            depended[gcc[2]] = depended.get(gcc[2], 0) + 1
        digest = dag_hash(f"{i}-{seed}")
        external = rng.random() < 0.02
        in_cache = not external and rng.random() < 0.97
        installs[digest] = {
            "spec": node(db, name, version, arch, params, deps, (gcc[0], gcc[1]), external),
            "ref_count": 0,
            "in_buildcache": in_cache,
        }
        binaries += in_cache
        if len(made) < 50_000 or rng.random() < 0.05:
            made.append((digest, name, version))
    for digest, count in depended.items():
        installs[digest]["ref_count"] = count
    roots = sum(1 for record in installs.values() if record["ref_count"] == 0 and record["in_buildcache"])
    data = json.dumps({"database": {"version": str(db), "installs": installs}}, separators=(",", ":")).encode()
    if layout == "v2":
        os.makedirs(os.path.join(out, "build_cache"), exist_ok=True)
        with open(os.path.join(out, "build_cache", "index.json"), "wb") as handle:
            handle.write(data)
        with open(os.path.join(out, "build_cache", "index.json.hash"), "w") as handle:
            handle.write(hashlib.sha256(data).hexdigest())
    else:
        checksum = hashlib.sha256(data).hexdigest()
        blob_dir = os.path.join(out, "blobs", "sha256", checksum[:2])
        os.makedirs(blob_dir, exist_ok=True)
        with open(os.path.join(blob_dir, checksum), "wb") as handle:
            handle.write(data)
        manifest_dir = os.path.join(out, "v3", "manifests", "index")
        os.makedirs(manifest_dir, exist_ok=True)
        with open(os.path.join(out, "v3", "layout.json"), "w") as handle:
            handle.write('{"signing": "gpg"}')
        manifest = {
            "version": 3,
            "data": [
                {
                    "contentLength": len(data),
                    "mediaType": f"application/vnd.spack.db.v{db}+json",
                    "compression": "none",
                    "checksumAlgorithm": "sha256",
                    "checksum": checksum,
                }
            ],
        }
        with open(os.path.join(manifest_dir, "index.manifest.json"), "w") as handle:
            json.dump(manifest, handle, indent=0)
    summary = {"records": len(installs), "binaries": binaries, "roots": roots}
    with open(os.path.join(out, "expected.json"), "w") as handle:
        json.dump(summary, handle)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out")
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--db-version", type=int, default=8, choices=range(5, 10))
    parser.add_argument("--layout", choices=("v2", "v3"), default="v3")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    summary = generate(args.out, args.records, args.db_version, args.layout, args.seed)
    print(
        f"{args.out}: {summary['records']:,} records, {summary['binaries']:,} binaries, {summary['roots']:,} roots "
        f"(DB {args.db_version}, {args.layout})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
