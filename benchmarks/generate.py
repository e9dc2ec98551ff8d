"""Seeded generator of realistic synthetic inventories (format v2) for the benchmarks.

    python benchmarks/generate.py 10000 -o /tmp/inv-10k.yaml [--seed 0]

N applications, N/3 datasets, 5N flows, about two dependencies per application (mostly towards
older, more central applications, with a few cycles: about one application in 500 and a later
one depend on each other). Providers: four from the shipped catalogue (`ref: catalogue:...`) and
twenty-three inline ones of every kind (commercial, colocation, public-community) with
subprocessor chains (role, data_access). Offers (`platforms`): three from the catalogue and six
inline, with qualifications scoped to service models and dated (one lapsed before AS_OF),
pending SecNumCloud qualifications, HDS activities and SaaS services. Applications on a provider,
on an offer or on premises (some in a colocation building); datasets of every v2 class, some with
`particular_sensitivity`, about 3 % not classified yet; servers for one application in ten (some
out of support); one derogation in force and one expired. The text is written directly, block
style as people write it, so N = 100,000 takes seconds. Judge it on `--as-of AS_OF`.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from typing import TextIO

VERSION = 3  # bumped whenever the output changes (the runner caches generated files by it)

# Format v2 classes; None = not classified yet (as intake imports leave them: readiness unknown).
CLASSIFICATIONS = ["public", "internal", "internal", "personal", "personal", "special-category", "health", "health",
                   "restricted"]
SENSITIVITY = [None, None, None, "yes", "no", "unknown"]  # particular_sensitivity, mostly left unanswered
CRITICALITIES = ["low", "medium", "medium", "high", "vital"]
STRATEGIES = ["rehost", "rehost", "replatform", "refactor", "repurchase", "relocate", "retain", "retire", None]
EFFORTS = ["XS", "S", "M", "M", "L", "XL", 8, 25.5, None]
MODELS = ["on-premises", "on-premises", "private-cloud", "iaas", "paas", "saas", "saas"]
SERVICES = ["mail", "office-suite", "visio", "ehr", "hr", "secure-health-messaging"]
OWNERS = ["Direction du numérique", "Direction des finances", "Pôle imagerie", "Direction des ressources humaines",
          "Secrétariat général", "Direction des usagers"]
OS = [("Microsoft Windows Server 2012 R2 (64-bit)", "out-of-support"), ("Red Hat Enterprise Linux 9", "supported"),
      ("Microsoft Windows Server 2019", "supported"), ("CentOS 7", "out-of-support"), ("Debian 12", "unknown")]
AS_OF = "2026-06-30"  # the assessment date the runner passes (--as-of): some qualifications lapse before it

# Public providers, taken from the shipped catalogue as a real inventory does (facts with sources).
# (ref, id, fields the inventory adds): a provider seen through one of its offers needs an id and the
# regions of the client's tenant.
CATALOGUE_PROVIDERS = [("catalogue:bleu", "bleu", ""), ("catalogue:ovhcloud", "ovhcloud", ""),
                       ("catalogue:s3ns", "s3ns", ""), ("catalogue:microsoft/azure", "azure", ", regions: [FR, NL]")]
CATALOGUE_PLATFORMS = [("catalogue:bleu/azure", "bleu-azure"), ("catalogue:ovhcloud/hosted-private-cloud-snc", "ovh-snc"),
                       ("catalogue:ovhcloud/public-cloud", "ovh-public-cloud")]
# Inline providers: id, kind, headquarters, qualifications, hds activities, regions, support regions,
# subprocessors ((id, role, data_access) or a bare id), extra lines.
PROVIDERS = [
    ("hyperscaler-us", "commercial", "US", ["iso27001", "hds"], None, ["FR", "DE", "IE"], ["US", "IN"], [],
     ["transfer_basis: dpf"]),
    ("saas-us", "commercial", "US", ["iso27001"], None, ["FR"], ["US"], [("hyperscaler-us", "infrastructure", "data")],
     ["contract_law: US"]),
    ("cdn-us", "commercial", "US", [], None, ["US", "FR"], None, [], []),
    ("trusted-fr", "commercial", "FR", [], None, ["FR"], None, [], ["contract_law: FR"]),
    ("trusted-fr-2", "commercial", "FR", ["iso27001"], None, ["FR"], None, [], []),
    ("pending-fr", "commercial", "FR", ["iso27001"], [1, 2, 3, 4, 5, 6], ["FR"], None, [], []),
    ("saas-fr-on-us", "commercial", "FR", ["hds"], None, ["FR"], None, [("hyperscaler-us", "infrastructure", "data")], []),
    ("saas-fr-cdn", "commercial", "FR", ["iso27001"], None, ["FR"], None, [("cdn-us", "network", "metadata")], []),
    ("host-de", "commercial", "DE", ["iso27001", "c5"], None, ["DE"], None, [], ["contract_law: DE"]),
    ("host-lu-owned", "commercial", "LU", ["iso27001"], None, ["LU"], None, [],
     ["ownership: {largest_non_eu_pct: 35, total_non_eu_pct: 52}"]),
    ("datacentre-regional", "colocation", "FR", [], [1], ["FR"], None, [], ["contract_law: FR"]),
    ("gcs-esante", "public-community", "FR", [], None, ["FR"], None, [], []),
    ("monitoring-us", "commercial", "US", [], None, ["US"], None, [], []),
]
# Integrators and SaaS editors, each on another provider (chains of two or three subprocessors).
PROVIDERS += [(f"integrator-{i}", "commercial", "FR", ["iso27001"] + (["hds"] if i % 2 else []), None, ["FR"], None,
               [(["trusted-fr", "saas-fr-on-us", "host-de", "pending-fr", "cdn-us"][i % 5], "infrastructure", "data"),
                *([("monitoring-us", "software", "none")] if i % 3 == 0 else [])], []) for i in range(10)]
# Offers: id, provider, models, qualification lines (flow mappings), hds activities, pending lines, services.
PLATFORMS = [
    ("trusted-iaas", "trusted-fr", ["iaas", "paas"],
     ["{id: secnumcloud-3.2, scope: [iaas], since: 2023-01-15, until: 2028-01-15, evidence: bench}", "hds"],
     None, [], None),
    ("trusted-private", "trusted-fr-2", ["private-cloud", "iaas"],
     ["{id: secnumcloud-3.2, scope: [private-cloud, iaas], since: 2022-06-01, until: 2026-03-31}"],  # lapsed
     [1, 2], [], None),
    ("pending-saas", "pending-fr", ["saas"], [],
     None, ["{id: secnumcloud-3.2, milestone: J1, since: 2025-11-01, expected: 2027-06-30}"], ["mail", "visio"]),
    ("pending-paas", "pending-fr", ["paas"], ["{id: hds}"],
     [1, 2, 3, 4, 5], ["{id: secnumcloud-3.2, milestone: J2, expected: 2027-01-31}"], None),
    ("de-iaas", "host-de", ["iaas"], ["{id: c5, scope: [iaas]}"], None, [], None),
    ("gcs-messagerie", "gcs-esante", ["saas"], [], [1, 2, 3, 4, 5, 6], [], ["secure-health-messaging"]),
]


def _list(values: list) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


def _providers() -> Iterator[str]:
    yield "providers:"
    for ref, pid, fields in CATALOGUE_PROVIDERS:
        yield f"  - {{ref: {ref}, id: {pid}{fields}}}"
    for pid, kind, hq, quals, hds, regions, support, subs, extra in PROVIDERS:
        yield f"  - id: {pid}"
        yield f"    name: Provider {pid}"
        if kind != "commercial":
            yield f"    kind: {kind}"
        yield f"    headquarters: {hq}"
        if quals:
            yield f"    qualifications: {_list(quals)}"
        if hds:
            yield f"    hds_activities: {_list(hds)}"
        yield f"    regions: {_list(regions)}"
        if support:
            yield f"    support_regions: {_list(support)}"
        if subs:
            yield "    subprocessors:"
            for sid, role, access in subs:
                yield f"      - {{id: {sid}, role: {role}, data_access: {access}}}"
        for line in extra:
            yield f"    {line}"
    yield "platforms:"
    for ref, plid in CATALOGUE_PLATFORMS:
        yield f"  - {{ref: {ref}, id: {plid}}}"
    for plid, provider, models, quals, hds, pending, services in PLATFORMS:
        yield f"  - id: {plid}"
        yield f"    provider: {provider}"
        yield f"    models: {_list(models)}"
        if services:
            yield f"    services: {_list(services)}"
        if quals:
            yield "    qualifications:"
            yield from (f"      - {q}" for q in quals)
        if hds:
            yield f"    hds_activities: {_list(hds)}"
        if pending:
            yield "    pending_qualifications:"
            yield from (f"      - {p}" for p in pending)


def _servers(n: int, rng: random.Random) -> Iterator[str]:
    """Servers of about one application in ten, some out of support (INF-OS-001 for a rehost)."""
    yield "servers:"
    for i in range(0, n, 10):
        for s in range(rng.randint(1, 3)):
            os_name, support = rng.choice(OS)
            address = i * 4 + s
            yield f"  - id: srv-{i:06d}-{s}"
            yield f"    ip_addresses: [10.{address // 65536 % 256}.{address // 256 % 256}.{address % 256}]"
            yield f"    os: {os_name}"
            yield f"    os_support: {support}"
            yield f"    applications: [app-{i:06d}]"


def lines(n: int, seed: int = 0, servers: bool = True) -> Iterator[str]:
    """The inventory's lines (format v2, block style), deterministic for (n, seed); `servers`
    False leaves the `servers:` section out (for a caller that writes its own)."""
    rng = random.Random(seed)
    n_datasets = max(1, n // 3)
    yield "# Synthetic inventory generated by benchmarks/generate.py"
    yield "format: bleu-assess/v2"
    yield "organisation:"
    yield "  name: Groupement hospitalier de test"
    yield "  country: FR"
    yield "  type: health-establishment"
    yield "  designations: [ose]"
    yield "  legal_status: public"
    yield from _providers()
    yield "applications:"
    provider_ids = [p[0] for p in PROVIDERS] + [pid for _, pid, _ in CATALOGUE_PROVIDERS]
    offers = {model: [p[0] for p in PLATFORMS if model in p[2]] + [pl for _, pl in CATALOGUE_PLATFORMS if model == "iaas"]
              for model in MODELS}
    holdings: list[list[str]] = []
    # A few pairs depend on each other: app i also needs a later app, which needs app i back.
    needed_back: dict[int, int] = {}
    for i in range(n):
        app = f"app-{i:06d}"
        model = rng.choice(MODELS)
        yield f"  - id: {app}"
        yield f"    name: Application {i} — {rng.choice(['Dossier', 'Portail', 'Gestion', 'Référentiel', 'Flux'])}"
        if rng.random() < 0.9:
            yield f"    owner: {rng.choice(OWNERS)}"
        yield f"    criticality: {rng.choice(CRITICALITIES)}"
        yield "    hosting:"
        yield f"      model: {model}"
        if model == "on-premises":
            if rng.random() < 0.2:  # our servers in a colocation building
                yield "      provider: datacentre-regional"
        elif offers[model] and rng.random() < 0.4:  # judged at the offer's grain
            yield f"      platform: {rng.choice(offers[model])}"
        else:
            yield f"      provider: {rng.choice(provider_ids)}"
        if model == "saas":
            yield f"    service: {rng.choice(SERVICES)}"
        # Every dataset has a first holder; then applications share them at random.
        first = [f"data-{i:06d}"] if i < n_datasets else []
        held = sorted(set(first) | {f"data-{rng.randrange(n_datasets):06d}" for _ in range(rng.randint(0, 1))})
        holdings.append(held or [f"data-{rng.randrange(n_datasets):06d}"])
        yield f"    datasets: {_list(holdings[-1])}"
        deps: set[str] = set()
        if i > 0:
            for _ in range(2):
                # Mostly towards older applications, skewed to the central first ones.
                target = int(i * rng.random() ** 2)
                deps.add(f"app-{target:06d}")
            if i > 10 and rng.random() < 0.002:  # a few cycles
                later = min(n - 1, i + rng.randint(1, 5))
                deps.add(f"app-{later:06d}")
                needed_back.setdefault(later, i)
        if i in needed_back:
            deps.add(f"app-{needed_back[i]:06d}")
        deps.discard(app)
        if deps:
            yield f"    depends_on: {_list(sorted(deps))}"
        yield f"    users: {rng.randint(5, 5000)}"
        strategy = rng.choice(STRATEGIES)
        if strategy:
            yield f"    strategy: {strategy}"
        effort = rng.choice(EFFORTS)
        if effort is not None:
            yield f"    effort: {effort}"
        if i < 40 and rng.random() < 0.3 and not deps:
            yield f"    wave: {rng.randint(1, 3)}"
        if rng.random() < 0.05:
            yield "    customer_held_keys: true"
        if rng.random() < 0.3:
            yield f"    tags: [{rng.choice(['urgences', 'recherche', 'support', 'socle'])}]"
    yield "datasets:"
    for d in range(n_datasets):
        yield f"  - id: data-{d:06d}"
        yield f"    name: Jeu de données {d}"
        roll = rng.random()
        if roll < 0.002:
            yield "    classification: classified"
            yield f"    level: {rng.choice(['secret', 'tres-secret'])}"
        elif roll > 0.97:
            pass  # not classified yet
        else:
            classification = rng.choice(CLASSIFICATIONS)
            yield f"    classification: {classification}"
            sensitivity = rng.choice(SENSITIVITY)
            if sensitivity and classification != "public":
                yield f'    particular_sensitivity: "{sensitivity}"'
        yield f"    volume_gb: {rng.randint(1, 50000)}"
    if servers:
        yield from _servers(n, rng)
    yield "flows:"
    for _ in range(5 * n):
        a, b = rng.randrange(n), rng.randrange(n)
        if a == b:
            b = (b + 1) % n
        # A flow carries data its sender holds.
        yield f"  - {{from: app-{a:06d}, to: app-{b:06d}, datasets: [{rng.choice(holdings[a])}], protocol: https}}"
    # Derogations: one in force, one expired (SNC-DER-001), on the first applications.
    yield "derogations:"
    yield "  - id: derog-bench-1"
    yield "    rules: [HDS-HOST-001, EXT-OWN-001, RES-DR-001]"
    yield f"    applications: [app-{0:06d}, app-{min(1, n - 1):06d}]"
    yield "    basis: organisation-policy"
    yield '    reference: "Décision du directeur général n° 2025-04"'
    yield "    granted_on: 2025-01-15"
    yield "    until: 2027-06-30"
    yield "  - id: derog-bench-2"
    yield "    rules: [SNC-HOST-001]"
    yield f"    applications: [app-{min(2, n - 1):06d}]"
    yield "    basis: other"
    yield "    granted_on: 2024-01-15"
    yield "    until: 2025-12-31"


def write(n: int, out: TextIO, seed: int = 0) -> None:
    for line in lines(n, seed):
        out.write(line)
        out.write("\n")


def generate(n: int, seed: int = 0, servers: bool = True) -> str:
    return "\n".join(lines(n, seed, servers)) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of applications")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with open(args.output, "w", encoding="utf-8") as out:
        write(args.n, out, args.seed)


if __name__ == "__main__":
    main()
