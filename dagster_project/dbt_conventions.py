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


@dataclass
class _Project:
    """The parts of dbt's manifest the rules read."""

    models: dict[str, dict]
    sources: dict[str, dict]
    tests: list[dict]
    parents: dict[str, list[str]]
    children: dict[str, list[str]]
    exposures: dict[str, dict]
    out: list[Violation]

    def v(self, rule: str, column: str, resource: str, detail: str) -> None:
        self.out.append(Violation(rule, column, resource, detail))

    def layer(self, uid: str) -> str | None:
        return _layer(self.models[uid]) if uid in self.models else None


def _name(uid: str) -> str:
    return uid.split(".")[-1] if not uid.startswith("source.") else ".".join(uid.split(".")[-2:])


def check(manifest: dict) -> list[Violation]:
    """Every violation of the rules in `manifest` (dbt's target/manifest.json), before exceptions."""
    project = manifest["metadata"].get("project_name") or "totalplace"
    nodes = {k: v for k, v in manifest["nodes"].items() if _is_ours(v, project)}
    p = _Project(
        models={k: v for k, v in nodes.items() if v["resource_type"] == "model"},
        sources={k: v for k, v in manifest["sources"].items() if _is_ours(v, project)},
        tests=[v for v in nodes.values() if v["resource_type"] == "test"],
        parents=manifest["parent_map"],
        children=manifest["child_map"],
        exposures=manifest.get("exposures", {}),
        out=[],
    )
    for uid in sorted(p.models):
        _modeling_rules(p, uid)
        _structure_rules(p, uid)
    _view_chains(p)
    _source_rules(p)
    _key_tests(p)
    _exposure_rules(p)
    return p.out


def _modeling_rules(p: _Project, uid: str) -> None:
    m, layer = p.models[uid], p.layer(uid)
    ps = p.parents.get(uid, [])
    src_parents = [x for x in ps if x.startswith("source.")]
    model_parents = [x for x in ps if x.startswith("model.")]
    if src_parents and layer != "staging" and (model_parents or any(x.startswith("seed.") for x in ps)):
        p.v("fct_direct_join_to_source", "child", m["name"], "reads a source and a model: stage the source first")
    if src_parents and layer in ("intermediate", "marts"):
        detail = f"reads {', '.join(map(_name, src_parents))} directly"
        p.v("fct_marts_or_intermediate_dependent_on_source", "child", m["name"], detail)
    if len(src_parents) > 1:
        p.v("fct_multiple_sources_joined", "child", m["name"], f"joins {', '.join(map(_name, src_parents))}")
    if not ps:
        p.v("fct_root_models", "child", m["name"], "has no ref() or source(): nothing upstream")
    wrong_way = {
        ("staging", "staging"): "fct_staging_dependent_on_staging",
        ("staging", "intermediate"): "fct_staging_dependent_on_downstream_models",
        ("staging", "marts"): "fct_staging_dependent_on_downstream_models",
        ("intermediate", "marts"): "fct_intermediate_dependent_on_marts",
    }
    for parent in model_parents:
        rule = wrong_way.get((layer, p.layer(parent)))
        if rule:
            p.v(rule, "child", m["name"], f"reads {p.layer(parent)} model {_name(parent)}")
    leaves = [c for c in p.children.get(uid, []) if c in p.models and not any(x in p.models for x in p.children[c])]
    if len(leaves) > MODEL_FANOUT:
        p.v("fct_model_fanout", "parent", m["name"], f"{len(leaves)} leaf children")
    code = m.get("raw_code", "")
    hard = re.findall(r"\b(?:from|join)\s+((?:raw|staging|intermediate|marts|seeds)\.\w+)", code, re.I)
    if hard:
        p.v("fct_hard_coded_references", "model", m["name"], f"names {', '.join(sorted(set(hard)))} without ref()")
    joins = len(re.findall(r"\bjoin\b", re.sub(r"--.*", "", code), re.I))
    if joins > TOO_MANY_JOINS:
        p.v("fct_too_many_joins", "child", m["name"], f"{joins} joins")


def _structure_rules(p: _Project, uid: str) -> None:
    m, layer = p.models[uid], p.layer(uid)
    if not m.get("description", "").strip():
        p.v("fct_undocumented_models", "resource_name", m["name"], "no description")
    prefixes = PREFIXES.get(layer or "")
    if prefixes and not m["name"].startswith(prefixes):
        detail = f"a {layer} model's name starts with {' or '.join(prefixes)}"
        p.v("fct_model_naming_conventions", "resource_name", m["name"], detail)
    if layer is None:
        p.v("fct_model_directories", "resource_name", m["name"], "not under models/staging, intermediate or marts")
    if layer == "staging":
        folder = Path(m["original_file_path"]).parts[2]
        for parent in (x for x in p.parents.get(uid, []) if x.startswith("source.")):
            source_name = p.sources[parent]["source_name"]
            if source_name != folder:
                detail = f"reads source {source_name} but lives in staging/{folder}"
                p.v("fct_model_directories", "resource_name", m["name"], detail)
    patch = m.get("patch_path") or ""
    if patch and Path(patch.split("://")[-1]).parent != Path(m["original_file_path"]).parent:
        p.v("fct_test_directories", "resource_name", m["name"], f"documented in {patch}, away from its SQL")


def _view_chains(p: _Project) -> None:
    views = {u for u, m in p.models.items() if m["config"].get("materialized") in ("view", "ephemeral")}

    def longest(u: str, seen: frozenset = frozenset()) -> int:
        if u not in views or u in seen:
            return 0
        return 1 + max((longest(x, seen | {u}) for x in p.parents.get(u, [])), default=0)

    for u in sorted(views):
        if longest(u) > CHAINED_VIEWS:
            p.v("fct_chained_views_dependencies", "child", p.models[u]["name"], f"more than {CHAINED_VIEWS} views")


def _source_rules(p: _Project) -> None:
    for uid, s in sorted(p.sources.items()):
        readers = [c for c in p.children.get(uid, []) if c in p.models]
        if not p.children.get(uid):
            p.v("fct_unused_sources", "resource_name", _name(uid), "declared but read by nothing")
        if len(readers) > 1:
            p.v("fct_source_fanout", "parent", _name(uid), f"read by {len(readers)} models")
        if not s.get("description", "").strip():
            p.v("fct_undocumented_source_tables", "resource_name", _name(uid), "no description")
        if not s.get("source_description", "").strip():
            p.v("fct_undocumented_sources", "resource_name", s["source_name"], "the source has no description")
        folder = Path(s["original_file_path"]).parts
        if len(folder) < 3 or folder[1] != "staging" or folder[2] != s["source_name"]:
            detail = f"declared in {s['original_file_path']}, not models/staging/{s['source_name']}/"
            p.v("fct_source_directories", "resource_name", _name(uid), detail)


def _key_tests(p: _Project) -> None:
    """A primary-key test on every model: a combination test, or one column both unique and not null."""
    combined, by_column = set(), {}
    for t in p.tests:
        kind, attached = (t.get("test_metadata") or {}).get("name"), t.get("attached_node")
        if attached and kind in ("unique_combination", "unique_combination_of_columns"):
            combined.add(attached)
        elif attached and kind in ("unique", "not_null"):
            by_column.setdefault((attached, t.get("column_name")), set()).add(kind)
    keyed = combined | {a for (a, _), kinds in by_column.items() if kinds == {"unique", "not_null"}}
    for uid, m in sorted(p.models.items()):
        if uid not in keyed:
            p.v("fct_missing_primary_key_tests", "resource_name", m["name"], "no unique+not_null column, no key test")


def _exposure_rules(p: _Project) -> None:
    views = {u for u, m in p.models.items() if m["config"].get("materialized") in ("view", "ephemeral")}
    for e in p.exposures.values():
        for parent in e["depends_on"].get("nodes", []):
            if parent.startswith("source.") or parent in views:
                kind = "a source" if parent.startswith("source.") else "a view"
                p.v(
                    "fct_exposure_parents_materializations",
                    "parent",
                    _name(parent),
                    f"exposure {e['name']} reads {kind}",
                )
            if parent in p.models and p.models[parent].get("access") == "private":
                p.v("fct_exposures_dependent_on_private_models", "parent", _name(parent), f"exposure {e['name']}")


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
