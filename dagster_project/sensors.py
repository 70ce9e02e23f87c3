"""A sensor that notices a manifest file appearing or changing in the mirror folder and asks for a
refresh of everything built from it."""
import hashlib
import json

import dagster as dg

from .manifest import load_manifest
from .partitions import financial_years, yearly_sources
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


def build_mirror_sensor(job_name: str) -> dg.SensorDefinition:
    @dg.sensor(name="mirror_files_changed", job_name=job_name, minimum_interval_seconds=60,
               default_status=dg.DefaultSensorStatus.STOPPED,
               description="Watches TOTALPLACE_MIRROR for files named in the source manifest that appear or change; "
                           "requests a refresh of their family's pull asset and everything downstream.")
    def _sensor(context: dg.SensorEvaluationContext):
        settings = Settings.from_env()
        if settings.mirror is None or not settings.mirror.is_dir():
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
            keys = sorted(dg.AssetSelection.assets(*keys).downstream().resolve(repo.asset_graph),
                          key=lambda k: k.to_user_string())
        # partitioned assets run for the years of the changed yearly files, or every year if another file changed
        yearly = {s.source_id: s.financial_years for s in yearly_sources(sources)}
        all_years = financial_years(sources)
        years = (sorted(yearly[sid] for sid in changed) if all(sid in yearly for sid in changed) else all_years)
        return dg.RunRequest(
            run_key=hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16],
            asset_selection=keys,
            tags={"totalplace/changed": ",".join(changed)[:200],
                  "dagster/asset_partition_range_start": years[0], "dagster/asset_partition_range_end": years[-1]})
    return _sensor
