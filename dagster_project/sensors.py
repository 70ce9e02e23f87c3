"""Watching the mirror for publishers' files, both visible in the Dagster UI (Automation):

- the sensor ``mirror_files_changed`` (every minute when turned on) notices a manifest file appearing or
  changing in TOTALPLACE_MIRROR and asks for a refresh of everything built from it;
- the schedule ``mirror_monthly_check`` (06:00 on the 1st of each month) compares the mirror with what
  is landed: manifest files not landed yet, or landed from an older copy, start a refresh and publish;
  a file whose bytes no longer match the manifest's sha256 (the publisher replaced it), and files in
  the mirror that no manifest row lists (a new publication), are named in its skip message, since
  taking them needs a manifest row (seeds/sources.csv) first.

Both are off until turned on in the UI (Automation), so a fresh clone never starts builds by itself.
"""

import hashlib
import json

import dagster as dg

from .manifest import load_manifest
from .partitions import financial_years, yearly_sources
from .pull import landed_path, sha256_of
from .settings import Settings


def mirror_state(sources, mirror) -> dict[str, str]:
    """source_id -> 'size:mtime' of its file in the mirror (absent files are left out)."""
    state = {}
    for s in sources:
        p = mirror / s.mirror_path
        if p.is_file():
            st = p.stat()
            state[s.source_id] = f"{st.st_size}:{int(st.st_mtime)}"
    return state


def _mirror_is_set(settings: Settings) -> bool:
    return settings.mirror is not None and settings.mirror.is_dir()


def build_mirror_sensor(job_name: str) -> dg.SensorDefinition:
    @dg.sensor(
        name="mirror_files_changed",
        job_name=job_name,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Watches TOTALPLACE_MIRROR for files named in the source manifest that appear or change; "
        "requests a refresh of their family's pull asset and everything downstream.",
    )
    def _sensor(context: dg.SensorEvaluationContext):
        settings = Settings.from_env()
        if not _mirror_is_set(settings):
            return dg.SkipReason("TOTALPLACE_MIRROR is not set to a folder")
        sources = load_manifest()
        now = mirror_state(sources, settings.mirror)
        if context.cursor is None:
            context.update_cursor(json.dumps(now))
            return dg.SkipReason(f"first look at the mirror: {len(now)} manifest file(s) recorded")
        before = json.loads(context.cursor)
        changed = sorted(sid for sid, key in now.items() if before.get(sid) != key)
        context.update_cursor(json.dumps(now))
        if not changed:
            return dg.SkipReason("no manifest file appeared or changed in the mirror")
        families = sorted({s.family for s in sources if s.source_id in changed})
        keys = [dg.AssetKey(["landed", f]) for f in families]
        repo = getattr(context, "repository_def", None)
        if repo is not None:  # the changed families' pull assets and everything downstream of them
            keys = sorted(
                dg.AssetSelection.assets(*keys).downstream().resolve(repo.asset_graph), key=lambda k: k.to_user_string()
            )
        # partitioned assets run for the years of the changed yearly files, or every year if another file changed
        yearly = {s.source_id: s.financial_years for s in yearly_sources(sources)}
        all_years = financial_years(sources)
        years = sorted(yearly[sid] for sid in changed) if all(sid in yearly for sid in changed) else all_years
        return dg.RunRequest(
            run_key=hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16],
            asset_selection=keys,
            tags={
                "totalplace/changed": ",".join(changed)[:200],
                "dagster/asset_partition_range_start": years[0],
                "dagster/asset_partition_range_end": years[-1],
            },
        )

    return _sensor


def compare_with_landed(sources, mirror, data_dir) -> dict[str, list[str]]:
    """What the mirror holds that the landed data does not: manifest files to land (``new``: not landed
    yet or landed from other bytes, and matching the manifest), manifest files whose mirror copy no longer
    matches the manifest (``mismatched``), and files no manifest row lists (``unlisted``)."""
    out = {"new": [], "mismatched": [], "unlisted": []}
    listed = set()
    for s in sources:
        in_mirror = mirror / s.mirror_path
        listed.add(in_mirror.resolve())
        if not in_mirror.is_file():
            continue
        if sha256_of(in_mirror) != s.sha256:
            out["mismatched"].append(s.source_id)
            continue
        landed = landed_path(s, data_dir)
        if not (
            landed.is_file() and landed.stat().st_size == in_mirror.stat().st_size and sha256_of(landed) == s.sha256
        ):
            out["new"].append(s.source_id)
    skip = {"SHA256SUMS", "SOURCES.md", "README.md"}
    out["unlisted"] = sorted(
        str(p.relative_to(mirror))
        for p in mirror.rglob("*")
        if p.is_file() and p.resolve() not in listed and p.name not in skip and not p.name.startswith(".")
    )
    return out


def build_mirror_schedule(job_name: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="mirror_monthly_check",
        cron_schedule="0 6 1 * *",
        job_name=job_name,
        execution_timezone="Europe/London",
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description="On the 1st of each month: lands and publishes manifest files that are in "
        "TOTALPLACE_MIRROR but not landed yet (or landed from older bytes); names mirror files "
        "that no longer match the manifest's sha256 or that no manifest row lists.",
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        settings = Settings.from_env()
        if not _mirror_is_set(settings):
            return dg.SkipReason("TOTALPLACE_MIRROR is not set to a folder")
        sources = load_manifest()
        found = compare_with_landed(sources, settings.mirror, settings.data_dir)
        notes = []
        if found["mismatched"]:
            notes.append(
                f"{len(found['mismatched'])} mirror file(s) no longer match the manifest's sha256 "
                f"({', '.join(found['mismatched'][:5])}): update seeds/sources.csv to take them"
            )
        if found["unlisted"]:
            notes.append(
                f"{len(found['unlisted'])} mirror file(s) are in no manifest row "
                f"({', '.join(found['unlisted'][:5])}{', ...' if len(found['unlisted']) > 5 else ''})"
            )
        for note in notes:
            context.log.info(note)
        if not found["new"]:
            return dg.SkipReason(
                f"all {len(sources)} manifest files are landed as the mirror has them"
                + ("; " + "; ".join(notes) if notes else "")
            )
        years = financial_years(sources)
        when = context.scheduled_execution_time
        return dg.RunRequest(
            run_key=f"mirror-{when:%Y-%m}-" + hashlib.sha256(",".join(found["new"]).encode()).hexdigest()[:8]
            if when
            else None,
            tags={
                "totalplace/new": ",".join(found["new"])[:200],
                "dagster/asset_partition_range_start": years[0],
                "dagster/asset_partition_range_end": years[-1],
            },
        )

    return _schedule
