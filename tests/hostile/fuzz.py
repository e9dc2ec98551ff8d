"""Property-based fuzzing of the whole pipeline (hypothesis), shared by the test suite and the
nightly run:

    python tests/hostile/fuzz.py --examples 5000      # nightly: a longer run, same properties
    HYPOTHESIS_PROFILE=nightly python -m pytest tests/hostile/test_hostile_fuzz.py

Valid generated inventories never crash any command and keep the plan invariants; random
mutations of valid inventories yield only clean, located errors.
"""

from __future__ import annotations

import json
import os
import random
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("nightly", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Applied to these tests only (other test modules keep their own settings).
NIGHTLY = os.environ.get("HYPOTHESIS_PROFILE") == "nightly"
PROFILE = settings.get_profile("nightly" if NIGHTLY else "ci")

CLASSIFICATIONS = ["public", "internal", "personal", "sensitive", "health", "restricted", "classified"]
MODELS = ["on-premises", "private-cloud", "iaas", "paas", "saas"]
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)


@st.composite
def inventories(draw: Any) -> dict[str, Any]:
    """A valid inventory: a few providers, applications with dependencies (cycles included),
    datasets, flows, pins, efforts and strategies."""
    providers = [{"id": f"p{i}", "name": draw(TEXT) or f"p{i}",
                  "headquarters": draw(st.sampled_from(["FR", "US", "DE", "CN"])),
                  "qualifications": draw(st.lists(st.sampled_from(["secnumcloud-3.2", "hds", "iso27001"]),
                                                  unique=True, max_size=2)),
                  "regions": draw(st.lists(st.sampled_from(["FR", "DE", "US", "IE"]), min_size=1, max_size=2,
                                           unique=True))}
                 for i in range(draw(st.integers(0, 3)))]
    n_data = draw(st.integers(1, 5))
    datasets = [{"id": f"d{i}", "name": draw(TEXT) or f"d{i}", "classification": draw(st.sampled_from(CLASSIFICATIONS)),
                 "volume_gb": draw(st.one_of(st.none(), st.floats(0, 1e6)))} for i in range(n_data)]
    n_apps = draw(st.integers(1, 8))
    apps = []
    for i in range(n_apps):
        model = draw(st.sampled_from(MODELS if providers else ["on-premises"]))
        hosting: dict[str, Any] = {"model": model}
        if model != "on-premises":
            hosting["provider"] = draw(st.sampled_from([p["id"] for p in providers]))
        app: dict[str, Any] = {
            "id": f"a{i}", "name": draw(TEXT) or f"a{i}", "hosting": hosting,
            "criticality": draw(st.sampled_from(["low", "medium", "high", "vital"])),
            "datasets": draw(st.lists(st.sampled_from([d["id"] for d in datasets]), unique=True, max_size=3)),
            "depends_on": draw(st.lists(st.sampled_from([f"a{j}" for j in range(n_apps)]), unique=True, max_size=3)),
        }
        if draw(st.booleans()):
            app["effort"] = draw(st.one_of(st.sampled_from(["XS", "S", "M", "L", "XL"]), st.floats(0, 500)))
        if draw(st.integers(0, 4)) == 0:
            app["wave"] = draw(st.integers(1, 4))
        if draw(st.integers(0, 4)) == 0:
            app["strategy"] = draw(st.sampled_from(["rehost", "retire", "retain", "refactor"]))
        apps.append(app)
    flows = [{"from": draw(st.sampled_from([a["id"] for a in apps])), "to": draw(st.sampled_from([a["id"] for a in apps])),
              "datasets": draw(st.lists(st.sampled_from([d["id"] for d in datasets]), min_size=1, max_size=2, unique=True))}
             for _ in range(draw(st.integers(0, 4)))]
    return {"format": "bleu-assess/v1", "organisation": {"name": draw(TEXT) or "Org", "country": "FR"},
            "providers": providers, "applications": apps, "datasets": datasets, "flows": flows}


# Mutations: what a careless edit or a hostile hand does to a valid file.
HOSTILE_VALUES: list[Any] = [None, 0, -1, 10**400, 1e309, float("nan"), True, "", "x", "NO", [], {}, [None], {"a": 1},
                             "<script>", "{{ 7*7 }}", "a|b", "\u202e", "\x1b[2J", "9" * 5000]


def mutate(data: Any, rng: random.Random) -> Any:
    """Replace, delete or duplicate one node somewhere in `data` (a deep copy is changed)."""
    data = json.loads(json.dumps(data))
    nodes: list[tuple[Any, Any]] = []
    stack = [data]
    while stack:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
        for key in keys:
            nodes.append((node, key))
            stack.append(node[key])
    if not nodes:
        return rng.choice(HOSTILE_VALUES)
    parent, key = rng.choice(nodes)
    action = rng.randrange(4)
    if action == 0 and isinstance(parent, dict):
        del parent[key]
    elif action == 1 and isinstance(parent, list):
        parent.append(parent[key])
    elif action == 2 and isinstance(parent, dict):
        parent[key + "x" if isinstance(key, str) else key] = rng.choice(HOSTILE_VALUES)
    else:
        parent[key] = rng.choice(HOSTILE_VALUES)
    return data


def to_yaml_text(data: Any) -> str:
    """JSON is YAML: every value, NaN and huge integers included, written as the parser will see it."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("NaN", ".nan").replace("Infinity", ".inf")


def main() -> int:
    import argparse
    import subprocess
    import sys

    parser = argparse.ArgumentParser(description="Longer fuzz run of the hostile-input properties (nightly).")
    parser.add_argument("--examples", type=int, default=5000, help="Examples per property.")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    env = {**os.environ, "HYPOTHESIS_PROFILE": "nightly", "BLEU_FUZZ_EXAMPLES": str(args.examples)}
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            os.path.join(here, "test_hostile_fuzz.py")], env=env)


if __name__ == "__main__":
    raise SystemExit(main())
