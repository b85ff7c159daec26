"""axe-core (vendored from its npm package under tests/vendor/axe-core) run in a page by
the browser tests: the WCAG 2.1 A/AA rules, violations only."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = ("critical", "serious")
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_violations(page: Page) -> list[dict]:
    """The violations axe finds in the page as it is now. Injected through the DevTools
    protocol (page.evaluate), which the portal's Content-Security-Policy does not block."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']}).then(results => results.violations)",
        RULE_TAGS,
    )


def counts_by_impact(violations: list[dict]) -> dict[str, int]:
    """Nodes in violation per impact, every impact named (0 when none)."""
    counts = Counter()
    for violation in violations:
        counts[violation["impact"] or "minor"] += len(violation["nodes"])
    return {impact: counts[impact] for impact in IMPACTS}


def describe(violations: list[dict], impacts: tuple[str, ...] = IMPACTS) -> str:
    """One line per rule: impact, rule id, node count and the first node's selector."""
    return "\n".join(
        f"{v['impact']}: {v['id']} ×{len(v['nodes'])} — {v['nodes'][0]['target']}"
        f" — {v['nodes'][0]['failureSummary'][:160]!r}"
        for v in violations
        if (v["impact"] or "minor") in impacts
    )
