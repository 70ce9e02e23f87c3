"""dbt conventions: dbt-project-evaluator's rules, checked on the parsed project at error severity.

dbt-project-evaluator itself is a dbt package from hub.getdbt.com, which this workplace cannot reach
(only PyPI, Debian and npm are reachable), so its rules are checked here on dbt's own manifest
(``dbt parse``), under the package's rule names, with the package's exceptions format: the seed
``dbt_project_evaluator_exceptions`` (fct_name, column_name, id_to_exclude, comment), where
``id_to_exclude`` is a LIKE pattern and every row says why. An exception that no longer matches a
violation is itself an error, so the seed cannot go stale.

    python -m dagster_project.dbt_conventions          # `make conventions`, and .ci/run
"""

from __future__ import annotations

import csv
import fnmatch
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DBT_DIR = ROOT / "dbt"
EXCEPTIONS = ROOT / "seeds" / "dbt_project_evaluator_exceptions.csv"
PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",), "marts": ("fct_", "dim_")}
MODEL_FANOUT = 3  # the package's default: a model with more than 3 direct leaf children
CHAINED_VIEWS = 4  # the package's default: no chain of more than 4 views
TOO_MANY_JOINS = 7  # the package's default


@dataclass(frozen=True)
class Violation:
    rule: str
    column_name: str  # what the exceptions seed matches on, as in the package
    resource: str
    detail: str


@dataclass(frozen=True)
class Exception_:
    fct_name: str
    column_name: str
    id_to_exclude: str
    comment: str

    def covers(self, v: Violation) -> bool:
        pattern = self.id_to_exclude.replace("%", "*").replace("_", "?")
        return (
            self.fct_name == v.rule and self.column_name == v.column_name and fnmatch.fnmatchcase(v.resource, pattern)
        )


def load_exceptions(path: Path = EXCEPTIONS) -> list[Exception_]:
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    out = []
    for n, r in enumerate(rows, start=2):
        if not (r.get("comment") or "").strip():
            raise ValueError(f"{path.name}, row {n}: an exception without a comment saying why")
        out.append(Exception_(r["fct_name"], r["column_name"], r["id_to_exclude"], r["comment"]))
    return out


def _layer(node: dict) -> str | None:
    parts = Path(node["original_file_path"]).parts
    return parts[1] if len(parts) > 2 and parts[0] == "models" else None


def _is_ours(node: dict, project: str) -> bool:
    return node.get("package_name") == project


def check(manifest: dict) -> list[Violation]:
    """Every violation of the rules in `manifest` (dbt's target/manifest.json), before exceptions."""
    project = manifest["metadata"].get("project_name") or "totalplace"
    nodes = {k: v for k, v in manifest["nodes"].items() if _is_ours(v, project)}
    models = {k: v for k, v in nodes.items() if v["resource_type"] == "model"}
    sources = {k: v for k, v in manifest["sources"].items() if _is_ours(v, project)}
    tests = [v for v in nodes.values() if v["resource_type"] == "test"]
    parents = manifest["parent_map"]
    children = manifest["child_map"]
    out: list[Violation] = []

    def v(rule: str, column: str, resource: str, detail: str) -> None:
        out.append(Violation(rule, column, resource, detail))

    def name(uid: str) -> str:
        return uid.split(".")[-1] if not uid.startswith("source.") else ".".join(uid.split(".")[-2:])

    for uid, m in sorted(models.items()):
        layer = _layer(m)
        ps = parents.get(uid, [])
        src_parents = [p for p in ps if p.startswith("source.")]
        model_parents = [p for p in ps if p.startswith("model.")]
        # modeling
        if src_parents and (model_parents or any(p.startswith("seed.") for p in ps)) and layer != "staging":
            v("fct_direct_join_to_source", "child", m["name"], "reads a source and a model: stage the source first")
        if src_parents and layer in ("intermediate", "marts"):
            v(
                "fct_marts_or_intermediate_dependent_on_source",
                "child",
                m["name"],
                f"reads {', '.join(map(name, src_parents))} directly",
            )
        if len(src_parents) > 1:
            v("fct_multiple_sources_joined", "child", m["name"], f"joins {', '.join(map(name, src_parents))}")
        if not ps:
            v("fct_root_models", "child", m["name"], "has no ref() or source(): nothing upstream")
        for p in model_parents:
            pl = _layer(models[p]) if p in models else None
            if layer == "staging" and pl == "staging":
                v("fct_staging_dependent_on_staging", "child", m["name"], f"reads staging model {name(p)}")
            if layer == "staging" and pl in ("intermediate", "marts"):
                v("fct_staging_dependent_on_downstream_models", "child", m["name"], f"reads {pl} model {name(p)}")
            if layer == "intermediate" and pl == "marts":
                v("fct_intermediate_dependent_on_marts", "child", m["name"], f"reads mart {name(p)}")
        leaf_children = [
            c for c in children.get(uid, []) if c in models and not any(cc in models for cc in children.get(c, []))
        ]
        if len(leaf_children) > MODEL_FANOUT:
            v("fct_model_fanout", "parent", m["name"], f"{len(leaf_children)} leaf children")
        code = m.get("raw_code", "")
        hard = re.findall(r"\b(?:from|join)\s+((?:raw|staging|intermediate|marts|seeds)\.\w+)", code, re.I)
        if hard:
            v("fct_hard_coded_references", "model", m["name"], f"names {', '.join(sorted(set(hard)))} without ref()")
        joins = len(re.findall(r"\bjoin\b", re.sub(r"--.*", "", code), re.I))
        if joins > TOO_MANY_JOINS:
            v("fct_too_many_joins", "child", m["name"], f"{joins} joins")
        # documentation
        if not m.get("description", "").strip():
            v("fct_undocumented_models", "resource_name", m["name"], "no description")
        # structure
        prefixes = PREFIXES.get(layer or "")
        if prefixes and not m["name"].startswith(prefixes):
            v(
                "fct_model_naming_conventions",
                "resource_name",
                m["name"],
                f"a {layer} model's name starts with {' or '.join(prefixes)}",
            )
        if layer is None:
            v("fct_model_directories", "resource_name", m["name"], "not under models/staging, intermediate or marts")
        if layer == "staging":
            folder = Path(m["original_file_path"]).parts[2]
            for p in src_parents:
                if sources[p]["source_name"] != folder:
                    v(
                        "fct_model_directories",
                        "resource_name",
                        m["name"],
                        f"reads source {sources[p]['source_name']} but lives in staging/{folder}",
                    )
        patch = m.get("patch_path") or ""
        if patch and Path(patch.split("://")[-1]).parent != Path(m["original_file_path"]).parent:
            v("fct_test_directories", "resource_name", m["name"], f"documented in {patch}, away from its SQL")
    # chains of views
    views = {u for u, m in models.items() if m["config"].get("materialized") in ("view", "ephemeral")}

    def longest_view_chain(u: str, seen: frozenset = frozenset()) -> int:
        if u not in views or u in seen:
            return 0
        return 1 + max((longest_view_chain(p, seen | {u}) for p in parents.get(u, [])), default=0)

    for u in sorted(views):
        if longest_view_chain(u) > CHAINED_VIEWS:
            v("fct_chained_views_dependencies", "child", models[u]["name"], f"more than {CHAINED_VIEWS} views chained")
    # sources
    for uid, s in sorted(sources.items()):
        readers = [c for c in children.get(uid, []) if c in models]
        if not children.get(uid):
            v("fct_unused_sources", "resource_name", name(uid), "declared but read by nothing")
        if len(readers) > 1:
            v("fct_source_fanout", "parent", name(uid), f"read by {len(readers)} models")
        if not s.get("description", "").strip():
            v("fct_undocumented_source_tables", "resource_name", name(uid), "no description")
        if not s.get("source_description", "").strip():
            v("fct_undocumented_sources", "resource_name", s["source_name"], "the source has no description")
        folder = Path(s["original_file_path"]).parts
        if len(folder) < 3 or folder[1] != "staging" or folder[2] != s["source_name"]:
            v(
                "fct_source_directories",
                "resource_name",
                name(uid),
                f"declared in {s['original_file_path']}, not models/staging/{s['source_name']}/",
            )
    # testing: a primary key test on every model
    keyed = set()
    for t in tests:
        meta = t.get("test_metadata") or {}
        attached = t.get("attached_node")
        if not attached:
            continue
        if meta.get("name") in ("unique_combination", "unique_combination_of_columns"):
            keyed.add(attached)
        elif meta.get("name") in ("unique", "not_null"):
            keyed.add((attached, t.get("column_name"), meta["name"]))
    for uid, m in sorted(models.items()):
        cols = {c for (a, c, k) in (x for x in keyed if isinstance(x, tuple)) if a == uid and k == "unique"}
        nn = {c for (a, c, k) in (x for x in keyed if isinstance(x, tuple)) if a == uid and k == "not_null"}
        if uid not in keyed and not (cols & nn):
            v("fct_missing_primary_key_tests", "resource_name", m["name"], "no unique+not_null column, no key test")
    # exposures
    for _uid, e in sorted(manifest.get("exposures", {}).items()):
        for p in e["depends_on"].get("nodes", []):
            if p.startswith("source."):
                v("fct_exposure_parents_materializations", "parent", name(p), f"exposure {e['name']} reads a source")
            elif p in views:
                v("fct_exposure_parents_materializations", "parent", name(p), f"exposure {e['name']} reads a view")
            if p in models and models[p].get("access") == "private":
                v("fct_exposures_dependent_on_private_models", "parent", name(p), f"exposure {e['name']}")
    return out


def split(violations: Iterable[Violation], exceptions: list[Exception_]) -> tuple[list, list, list]:
    """(violations left, violations excepted, exceptions that match nothing)."""
    left, excepted, used = [], [], set()
    for x in violations:
        hit = next((e for e in exceptions if e.covers(x)), None)
        if hit:
            excepted.append((x, hit))
            used.add(hit)
        else:
            left.append(x)
    return left, excepted, [e for e in exceptions if e not in used]


def parse_manifest() -> dict:
    env = {**os.environ, "TOTALPLACE_WAREHOUSE": str(DBT_DIR / "target" / "conventions.duckdb")}
    dbt = Path(sys.executable).with_name("dbt")
    subprocess.run([str(dbt), "parse", "--profiles-dir", ".", "--quiet"], cwd=DBT_DIR, env=env, check=True, timeout=600)
    return json.loads((DBT_DIR / "target" / "manifest.json").read_text())


def main(argv: list[str] | None = None) -> int:
    manifest = parse_manifest()
    exceptions = load_exceptions()
    left, excepted, stale = split(check(manifest), exceptions)
    models = sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "model")
    print(f"dbt conventions (dbt-project-evaluator's rules) on {models} models and {len(manifest['sources'])} sources")
    for x, e in excepted:
        print(f"  excepted  {x.rule}: {x.resource} ({e.comment})")
    for x in left:
        print(f"  ERROR     {x.rule}: {x.resource}: {x.detail}")
    for e in stale:
        print(f"  ERROR     stale exception {e.fct_name} {e.id_to_exclude}: matches no violation, remove it")
    if left or stale:
        print(
            f"{len(left)} violation(s), {len(stale)} stale exception(s): fix them, or add a row saying why "
            f"to {EXCEPTIONS.relative_to(ROOT)}"
        )
        return 1
    print(f"clean: 0 violations, {len(excepted)} excepted by {EXCEPTIONS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
