"""Runs here: host=, target ranges and host detection, against archspec's own ordering as the oracle.

Nothing here depends on the CPU or OS of the machine running the tests: hosts
are given, and os-release files are written by the tests.
"""

from __future__ import annotations

import archspec.cpu
import pytest

from cachetui.catalog import QueryError, load_catalog
from cachetui.catalog.spack.host import host_from_environment, linux_os, macos_name, read_os_release
from cachetui.catalog.spack.microarch import Host, parse_host, why_not
from tests.catalog.helpers import make_spec, page_text, write_page

TARGETS = archspec.cpu.TARGETS
LINUX_TARGETS = [
    "x86_64",
    "x86_64_v2",
    "x86_64_v3",
    "x86_64_v4",
    "haswell",
    "skylake_avx512",
    "icelake",
    "sapphirerapids",
    "zen",
    "zen2",
    "zen3",
    "zen4",
    "aarch64",
    "neoverse_n1",
    "neoverse_v1",
    "neoverse_v2",
    "ppc64le",
    "power8le",
    "power9le",
    "not_a_real_cpu",
]
DARWIN_TARGETS = ["aarch64", "m1", "m2", "x86_64"]
HOSTS = [
    ("linux", "ubuntu22.04", name)
    for name in (
        "zen3",
        "zen4",
        "skylake_avx512",
        "sapphirerapids",
        "neoverse_v1",
        "neoverse_v2",
        "power9le",
        "x86_64_v2",
        "x86_64_v3",
        "x86_64_v4",
        "aarch64",
    )
] + [("darwin", "sequoia", "m1"), ("darwin", "sequoia", "m2")]


def oracle_runs_on(target: str, host: str) -> bool:
    """archspec's own partial order: a binary for ``target`` runs on ``host`` if target <= host."""
    return target in TARGETS and TARGETS[target] <= TARGETS[host]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    root = tmp_path_factory.mktemp("targets")
    specs = [make_spec(versions=[t], target=t) for t in LINUX_TARGETS]
    specs += [make_spec(versions=[t], target=t, os="ubuntu24.04") for t in ("x86_64_v3", "zen3")]
    write_page(root, "develop/linuxpkg/specs.md", page_text("linuxpkg", "develop", specs))
    mac = [make_spec(versions=[t], target=t, platform="darwin", os="sequoia") for t in DARWIN_TARGETS]
    write_page(root, "develop/macpkg/specs.md", page_text("macpkg", "develop", mac))
    return load_catalog([root], use_cache=False)


def arches(cat, query: str) -> set[tuple[str, str, str]]:
    return {(s.platform, s.os, s.target) for s in cat.query(query).specs()}


@pytest.mark.parametrize("platform,os_,host", HOSTS, ids=lambda v: v if isinstance(v, str) else None)
def test_host_matches_exactly_what_archspec_says(catalog, platform, os_, host):
    everything = {(s.platform, s.os, s.target) for s in catalog.specs(range(catalog.num_specs))}
    expected = {a for a in everything if a[:2] == (platform, os_) and oracle_runs_on(a[2], host)}
    assert arches(catalog, f"host={platform}-{os_}-{host}") == expected
    assert expected  # every host runs something here


def test_zen3_runs_its_ancestors_and_nothing_newer(catalog):
    found = {t for _, _, t in arches(catalog, "host=linux-ubuntu22.04-zen3")}
    assert found == {"zen3", "zen2", "zen", "x86_64_v3", "x86_64_v2", "x86_64"}
    for newer in ("x86_64_v4", "zen4", "aarch64", "not_a_real_cpu"):
        assert newer not in found


def test_a_target_alone_ignores_platform_and_os(catalog):
    found = arches(catalog, "host=zen3")
    assert ("linux", "ubuntu24.04", "zen3") in found and ("darwin", "sequoia", "x86_64") in found
    assert all(oracle_runs_on(t, "zen3") for _, _, t in found)


@pytest.mark.parametrize(
    "low,high",
    [("x86_64_v3", None), (None, "zen3"), ("x86_64_v2", "x86_64_v4"), ("aarch64", "neoverse_v2"), ("zen2", None)],
)
def test_target_ranges(catalog, low, high):
    text = f"target={low or ''}:{high or ''}"
    expected = {
        t
        for t in LINUX_TARGETS + DARWIN_TARGETS
        if t in TARGETS
        and (low is None or TARGETS[low] <= TARGETS[t])
        and (high is None or TARGETS[t] <= TARGETS[high])
    }
    assert {t for _, _, t in arches(catalog, text)} == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("target=zen33:", "unknown target 'zen33'; did you mean zen3"),
        ("target=:skylakee", "unknown target 'skylakee'; did you mean skylake"),
        ("target=:", "a target range is low:, :high or low:high"),
        ("host=ubuntu22.04-zen3", "host= takes platform-os-target (linux-ubuntu22.04-zen3) or a target alone (zen3)"),
        ("host=linux-rhel8-sapphirerapid", "unknown target 'sapphirerapid'; did you mean sapphirerapids"),
    ],
)
def test_malformed_terms_name_what_is_wrong(catalog, text, message):
    with pytest.raises(QueryError) as info:
        catalog.query(text)
    assert text in info.value.message and message in info.value.message


def test_targets_archspec_does_not_know_are_reported_not_fatal(catalog):
    assert catalog.unknown_targets() == ["not_a_real_cpu"]
    assert len(catalog.query("target=not_a_real_cpu")) == 1  # an exact name still matches
    assert not arches(catalog, "target=x86_64:") & {("linux", "ubuntu22.04", "not_a_real_cpu")}


@pytest.mark.parametrize(
    "target,host,reason",
    [
        ("x86_64_v4", "zen3", "needs x86_64_v4 (avx512); this machine is zen3"),
        ("neoverse_v2", "zen3", "built for aarch64 (neoverse_v2); this machine is x86_64 (zen3)"),
        ("x86_64_v3", "zen3", None),
        ("not_a_real_cpu", "zen3", "target not_a_real_cpu is not known to archspec"),
    ],
)
def test_why_a_spec_does_not_run_here(target, host, reason):
    found = why_not("linux", "ubuntu22.04", target, Host(host, "linux", "ubuntu22.04"))
    assert found == reason or (reason is not None and found is not None and found.startswith(reason))
    assert why_not("linux", "rhel8", "x86_64", Host(host, "linux", "ubuntu22.04")) == (
        "built for rhel8; this machine runs ubuntu22.04"
    )


# --- host detection ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content,expected",
    [
        ('NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="22.04"\n', "ubuntu22.04"),
        ('ID="rhel"\nVERSION_ID="8.9"\n', "rhel8"),
        ('ID="centos"\nVERSION_ID="7"\n', "centos7"),
        ('ID="rocky"\nVERSION_ID="9.3"\n', "rocky9"),
        ('ID="almalinux"\nVERSION_ID="9.4"\n', "almalinux9"),
        ('ID="sles"\nVERSION_ID="15.5"\n', "sles15"),
        ('ID="sle_hpc"\nVERSION_ID="15.5"\n', "sle_hpc15"),
        ('ID="amzn"\nVERSION_ID="2"\n', "amzn2"),
        ('ID=debian\nVERSION_ID="12"\n', "debian12"),
        ('ID="opensuse-leap"\nVERSION_ID="15.5"\n', "opensuse_leap15"),
        ("# no fields\n", "unknown"),
    ],
)
def test_linux_os_names_follow_spack(tmp_path, content, expected):
    path = tmp_path / "os-release"
    path.write_text(content)
    assert linux_os(read_os_release(str(path))) == expected


def test_missing_os_release_is_unknown(tmp_path):
    assert linux_os(read_os_release(str(tmp_path / "none"))) == "unknown"


@pytest.mark.parametrize(
    "version,name",
    [
        ("15.1", "sequoia"),
        ("14.6", "sonoma"),
        ("13.0", "ventura"),
        ("10.14.6", "mojave"),
        ("11.7", "bigsur"),
        ("99.0", "macos99"),
    ],
)
def test_macos_release_names(version, name):
    assert macos_name(version) == name


def test_given_host_wins_over_detection(monkeypatch):
    monkeypatch.setenv("CACHETUI_HOST", "linux-rhel8-sapphirerapids")
    assert host_from_environment() == (Host("sapphirerapids", "linux", "rhel8"), "CACHETUI_HOST")
    assert host_from_environment("linux-ubuntu22.04-zen3")[1] == "--host"
    with pytest.raises(ValueError, match="not a target alone"):
        host_from_environment("zen3")
    assert str(parse_host("linux-ubuntu22.04-zen3")) == "linux-ubuntu22.04-zen3"
