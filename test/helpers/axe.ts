/** Runs axe-core (the npm package's own build) in a Playwright page and returns its violations in a readable form. Knows nothing of the app. */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

export interface AxeViolation {
  id: string
  impact: string
  help: string
  /** CSS selectors of the failing elements, with axe's summary of the first failure */
  nodes: string[]
}

interface AxeResult { violations: Array<{ id: string, impact?: string | null, help: string, nodes: Array<{ target: unknown[], failureSummary?: string }> }> }

let source: string | undefined

/**
 * axe.run on the whole page. The source goes in through page.evaluate (DevTools protocol), not a <script>
 * tag, which the page's Content-Security-Policy would refuse; axe stays loaded for later runs on the page.
 */
export async function axeViolations (page: Page): Promise<AxeViolation[]> {
  source ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
  if (!await page.evaluate(() => 'axe' in globalThis)) await page.evaluate(source)
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe
    return await axe.run(document, { resultTypes: ['violations'] })
  }) as AxeResult
  return result.violations.map(v => ({
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    nodes: v.nodes.map(n => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`)
  }))
}

/** The violations that block: axe's "serious" and "critical". */
export function blocking (violations: AxeViolation[]): AxeViolation[] {
  return violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
}

/** The sizes screens are audited at: a desktop window and a 360 px phone. */
export const AUDIT_VIEWPORTS = { desktop: { width: 1100, height: 720 }, phone: { width: 360, height: 720 } }

/**
 * An audit of the screen as it is: axe at desktop and 360 px, light and dark, and at 360 px nothing may scroll
 * sideways. What it finds is pushed to `found` as one line per screen, viewport and scheme (a test expects it empty).
 */
export function screenAudit (found: string[]): (page: Page, screen: string) => Promise<void> {
  return async (page, screen) => {
    const size = page.viewportSize()!
    for (const [viewport, dimensions] of Object.entries(AUDIT_VIEWPORTS)) {
      await page.setViewportSize(dimensions)
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        for (const v of blocking(await axeViolations(page))) found.push(`${screen}, ${viewport}, ${scheme}: ${v.id} (${v.impact}, ${v.help}) on ${v.nodes.length}: ${v.nodes.slice(0, 3).join(' | ')}`)
      }
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      if (wide > 0) found.push(`${screen}, ${viewport}: ${wide} px of horizontal scroll`)
    }
    await page.setViewportSize(size)
    await page.emulateMedia({ colorScheme: null })
  }
}
