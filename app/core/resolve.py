"""Merge overlapping findings into non-overlapping spans, so one value is never half-masked.

Findings that overlap (directly or through a chain) form a cluster that becomes one span covering all of them. The
span takes the type of the largest finding in the cluster (a containing span wins) and the highest level among
everything it covers; its detector names every detector that contributed.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.core.findings import Finding


def _clusters(findings: Iterable[Finding]) -> list[list[Finding]]:
    ordered = sorted(findings, key=lambda finding: (finding.start, -finding.end))
    clusters: list[list[Finding]] = []
    cluster_end = -1
    for finding in ordered:
        if clusters and finding.start < cluster_end:
            clusters[-1].append(finding)
            cluster_end = max(cluster_end, finding.end)
        else:
            clusters.append([finding])
            cluster_end = finding.end
    return clusters


def _merge(text: str, cluster: list[Finding]) -> Finding:
    if len(cluster) == 1:
        return cluster[0]
    start = min(finding.start for finding in cluster)
    end = max(finding.end for finding in cluster)
    winner = max(cluster, key=lambda finding: (finding.end - finding.start, finding.level))
    detectors = sorted({name for finding in cluster for name in finding.detectors})
    return Finding(
        start=start,
        end=end,
        text=text[start:end],
        type=winner.type,
        level=max(finding.level for finding in cluster),
        detector="+".join(detectors),
    )


def resolve(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """Non-overlapping findings in text order; identical duplicates collapse into one."""
    return [_merge(text, cluster) for cluster in _clusters(set(findings))]
